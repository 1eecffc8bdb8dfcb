/* The pinentry of fuzz_pinentry.c: writes the file $FUZZ_ASSUAN_REPLY to its stdout as the
 * whole of what it says, ends its side of the connection, and reads what it is sent until the
 * client closes (the client's stdin and stdout are one socket). */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(void)
{
	const char *path = getenv("FUZZ_ASSUAN_REPLY");
	int fd = path != NULL ? open(path, O_RDONLY) : -1;
	if (fd < 0)
		return 2;
	char buffer[4096];
	ssize_t n;
	while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
		if (write(STDOUT_FILENO, buffer, (size_t)n) != n)
			break;
	}
	close(fd);
	shutdown(STDOUT_FILENO, SHUT_WR);
	while (read(STDIN_FILENO, buffer, sizeof(buffer)) > 0)
		;
	return 0;
}
