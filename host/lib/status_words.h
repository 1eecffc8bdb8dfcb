/* The status words (SW1 SW2) libjpki acts on, named once (ISO/IEC 7816-4); apdu.c reads their
 * meaning, pcsc.c the transport ones. */
#pragma once

#define JPKI_SW_OK             0x9000
#define JPKI_SW_FILE_NOT_FOUND 0x6A82
/* Security status not satisfied: a file that needs a VERIFY first. */
#define JPKI_SW_SECURITY_NOT_SATISFIED 0x6982
/* Authentication method blocked / reference data not usable: a blocked PIN (cards differ). */
#define JPKI_SW_AUTH_METHOD_BLOCKED     0x6983
#define JPKI_SW_REFERENCE_DATA_UNUSABLE 0x6984
/* "No precise diagnosis": also what some cards answer to the first command
 * after power-up (pcsc.c retries that one once). */
#define JPKI_SW_NO_PRECISE_DIAGNOSIS 0x6F00
/* 63Cx: a wrong PIN with x tries left (the low nibble). */
#define JPKI_SW_WRONG_PIN      0x63C0
#define JPKI_SW_WRONG_PIN_MASK 0xFFF0

/* SW1 values of the transport (pcsc.c): 61xx more data (GET RESPONSE with Le xx), 6Cxx the
 * wrong Le (send again with Le xx). */
#define JPKI_SW1_MORE_DATA 0x61
#define JPKI_SW1_WRONG_LE  0x6C
