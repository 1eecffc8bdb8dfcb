/* socket-recorder: a stand-in for pcscd that notes who came. Listens on the
 * Unix socket SOCKET and, for each connection, appends a line to RECORD and
 * closes it at once, so a PC/SC client finds no service there. Runs until it
 * is stopped (SIGTERM).
 *
 *   socket-recorder SOCKET RECORD
 *
 * SOCKET appears only once it is listening (it is renamed into place), so a
 * caller may wait for the file and connect at once. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: socket-recorder SOCKET RECORD\n");
		return 2;
	}
	g_autofree char *staging = g_strconcat(argv[1], ".new", NULL);
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	if (strlen(staging) >= sizeof(address.sun_path)) {
		fprintf(stderr, "socket-recorder: %s: the path is too long\n", staging);
		return 2;
	}
	strcpy(address.sun_path, staging);
	int server = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(staging);
	if (server < 0 || bind(server, (struct sockaddr *)&address, sizeof(address)) < 0 ||
	    listen(server, 8) < 0 || rename(staging, argv[1]) < 0) {
		fprintf(stderr, "socket-recorder: %s: %s\n", argv[1], g_strerror(errno));
		return 2;
	}
	for (;;) {
		int connection = accept(server, NULL, NULL);
		if (connection < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, "socket-recorder: accept: %s\n", g_strerror(errno));
			return 1;
		}
		FILE *record = fopen(argv[2], "a");
		if (record != NULL) {
			fputs("connected\n", record);
			fclose(record);
		}
		close(connection);
	}
}
