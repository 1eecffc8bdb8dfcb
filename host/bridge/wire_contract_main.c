/* jpki-bridge-contract: writes the wire contract (wire_contract.h) as JSON on standard
 * output. Run at build time; not installed. */
#include "wire_contract.h"

#include <stdio.h>

int
main(void)
{
	json_t *contract = bridge_wire_contract_json();
	int status = json_dumpf(contract, stdout, JSON_INDENT(2)) == 0 ? 0 : 1;
	json_decref(contract);
	fputc('\n', stdout);
	return status;
}
