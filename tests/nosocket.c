/*
 * nosocket.c - runs a command under a seccomp-bpf filter that kills the
 * whole process (SIGSYS) on any system call that makes or uses a network
 * endpoint, for tests/cli/t1561-no-socket.sh (issue 12: "never a socket").
 *
 *   nosocket CMD [ARG...]      CMD under the filter (execvp)
 *   nosocket --try WHAT        no filter of its own: calls WHAT (socket,
 *                              socketpair, connect, bind) and exits 0 when
 *                              the call returned at all (so that
 *                              `nosocket nosocket --try socket` shows the
 *                              filter kills, and `nosocket --try socket`
 *                              that the machine allows the call)
 *
 * Killed: socket, socketpair, connect, bind, listen, accept, accept4,
 * sendto, sendmsg, sendmmsg, recvfrom, recvmsg, recvmmsg, getsockopt,
 * setsockopt, getsockname, getpeername, shutdown. socket and socketpair
 * are the only ways to get a new endpoint; the rest are killed too so that
 * an endpoint inherited from the caller cannot be used either. Why kill
 * and not fail with EPERM: a program that handles the error would go on
 * and the test would not see it; a kill is seen (exit status 159).
 * spytriage calls none of them, nor does anything it calls: glibc's NSS
 * (getpwnam and friends may connect to nscd over a Unix socket) and
 * syslog() are not used (grep), so a filter that also kills Unix sockets
 * is right, not too strict.
 *
 * The filter checks the architecture first: a call made with another ABI
 * (i386 int 0x80 from an x86-64 process, whose numbers differ, or x32
 * numbers) kills as well, so no other numbering can bypass it. Installed
 * with PR_SET_NO_NEW_PRIVS (no privilege needed) and inherited by every
 * thread and child of CMD.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#error "nosocket.c: add this architecture's AUDIT_ARCH_ value"
#endif

#define KILL_IF(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS)

static int install(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#if defined(__x86_64__)
		/* x32 system calls: the same numbers with bit 30 set */
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
		KILL_IF(__NR_socket),
		KILL_IF(__NR_socketpair),
		KILL_IF(__NR_connect),
		KILL_IF(__NR_bind),
		KILL_IF(__NR_listen),
		KILL_IF(__NR_accept),
		KILL_IF(__NR_accept4),
		KILL_IF(__NR_sendto),
		KILL_IF(__NR_sendmsg),
		KILL_IF(__NR_sendmmsg),
		KILL_IF(__NR_recvfrom),
		KILL_IF(__NR_recvmsg),
		KILL_IF(__NR_recvmmsg),
		KILL_IF(__NR_getsockopt),
		KILL_IF(__NR_setsockopt),
		KILL_IF(__NR_getsockname),
		KILL_IF(__NR_getpeername),
		KILL_IF(__NR_shutdown),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { (unsigned short)(sizeof f / sizeof f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		fprintf(stderr, "nosocket: PR_SET_NO_NEW_PRIVS: %s\n", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		fprintf(stderr, "nosocket: PR_SET_SECCOMP: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int try(const char *what)
{
	struct sockaddr_in sin;
	int sv[2], fd;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(9);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	if (!strcmp(what, "socket")) {
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		printf("socket returned %d\n", fd);
	} else if (!strcmp(what, "socketpair")) {
		printf("socketpair returned %d\n", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	} else if (!strcmp(what, "connect")) {
		/* on a descriptor that is no socket: only the call matters */
		printf("connect returned %d\n", connect(0, (struct sockaddr *)&sin, sizeof sin));
	} else if (!strcmp(what, "bind")) {
		printf("bind returned %d\n", bind(0, (struct sockaddr *)&sin, sizeof sin));
	} else {
		fprintf(stderr, "nosocket: --try socket|socketpair|connect|bind\n");
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--try"))
		return try(argv[2]);
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: nosocket CMD [ARG...] | nosocket --try WHAT\n");
		return 2;
	}
	if (install() != 0)
		return 127;
	execvp(argv[1], argv + 1);
	fprintf(stderr, "nosocket: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
