/*
 * cli_secret.c - where the command-line tool gets a password from: the
 * passphrase callback it hands the library (tr_options.passphrase;
 * contract in cli_secret.h).
 *
 * Order of sources, first one present wins (never argv, see STYLE.md):
 *   1. --password-file: at most 4 KiB, one trailing "\n" or "\r\n"
 *      stripped; may be a pipe (--password-file <(pass show x));
 *   2. $SPYTRIAGE_BACKUP_PASSWORD: copied, then the value is overwritten
 *      in place with zero bytes and unsetenv() called, so that neither
 *      /proc/PID/environ (the process's initial environment block, which
 *      getenv() points into) nor a child process holds it. POSIX leaves
 *      writing to getenv()'s string undefined; on Linux it is the
 *      environment block itself, writable, and wiping it is the point;
 *   3. a prompt on /dev/tty with echo off, when allowed and stdin is a
 *      terminal.
 * Otherwise TR_ENEEDPASS.
 *
 * The prompt follows OpenBSD readpassphrase(3): while echo is off,
 * SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGALRM/SIGPIPE and the job-control
 * signals are caught (no SA_RESTART, so read() returns EINTR); the
 * terminal and the previous handlers are restored first, the buffer
 * wiped, and only then the signal is re-raised so its usual action
 * happens (the CLI's cleanup handler, or termination). After a stop
 * (^Z) and continue, the prompt starts again. The prompt goes to
 * /dev/tty, never to stdout/stderr. Not thread-safe (signal handlers and the environment are process-wide):
 * call it from the main thread while opening the evidence.
 *
 * Every buffer that held a password is wiped with OPENSSL_cleanse before
 * it is freed; the returned buffer holds nothing past the NUL.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli_secret.h"

#define PASSWORD_FILE_MAX 4096u
#define PASSWORD_TTY_MAX 1024u
#define PASSWORD_ENV "SPYTRIAGE_BACKUP_PASSWORD"

/* ------------------------------------------------------------------ */
/* Password file                                                       */

static int from_file(tr_ctx *ctx, const char *path, char **pw, size_t *len)
{
	const size_t cap = PASSWORD_FILE_MAX + 2; /* +1 to see "too long", +1 NUL */
	char *buf = malloc(cap);
	size_t got = 0;
	int fd, rc = TR_OK;

	if (!buf)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
	tr_secret_lock(buf, cap);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		free(buf);
		/* The password file is the user's input, not evidence: any
		 * problem with it is TR_EUSAGE, exit 2 (docs/report-format.md,
		 * "Exit status"), be it absent, a folder or unreadable. */
		return tr_set_error(ctx, TR_EUSAGE, "%s: cannot open password file: %s", path,
		                    strerror(e));
	}
	while (got < cap - 1) {
		ssize_t n = read(fd, buf + got, cap - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = tr_set_error(ctx, TR_EUSAGE, "%s: cannot read password file: %s", path,
			                  strerror(errno));
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (rc == TR_OK && got > PASSWORD_FILE_MAX)
		rc = tr_set_error(ctx, TR_EUSAGE, "%s: password file is larger than %u bytes", path,
		                  PASSWORD_FILE_MAX);
	if (rc == TR_OK) {
		size_t n = got;
		if (n > 0 && buf[n - 1] == '\n') {
			n--;
			if (n > 0 && buf[n - 1] == '\r')
				n--;
		}
		/* Nothing secret stays past the NUL. */
		memset(buf + n, 0, cap - n);
		if (n == 0)
			rc = tr_set_error(ctx, TR_EUSAGE, "%s: password file is empty", path);
		got = n;
	}
	if (rc != TR_OK) {
		tr_secret_free(buf, cap);
		return rc;
	}
	*pw = buf;
	*len = got;
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Environment                                                         */

static int from_env(tr_ctx *ctx, const char *v, char **pw, size_t *len)
{
	size_t n = strlen(v);
	char *buf;

	if (n == 0) {
		unsetenv(PASSWORD_ENV);
		return tr_set_error(ctx, TR_EUSAGE, "%s is set but empty", PASSWORD_ENV);
	}
	if (n > PASSWORD_FILE_MAX) {
		OPENSSL_cleanse((char *)(uintptr_t)v, n);
		unsetenv(PASSWORD_ENV);
		return tr_set_error(ctx, TR_EUSAGE, "%s is longer than %u bytes", PASSWORD_ENV,
		                    PASSWORD_FILE_MAX);
	}
	buf = malloc(n + 1);
	if (!buf)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", PASSWORD_ENV);
	tr_secret_lock(buf, n + 1);
	memcpy(buf, v, n + 1);
	/* the environment block itself, then the variable */
	OPENSSL_cleanse((char *)(uintptr_t)v, n);
	unsetenv(PASSWORD_ENV); /* v is invalid from here on */
	*pw = buf;
	*len = n;
	return TR_OK;
}

/* ------------------------------------------------------------------ */
/* Terminal prompt                                                     */

/* Mutable static state: a signal handler can reach nothing else. Written by the handler, read by the prompt loop. */
static volatile sig_atomic_t prompt_signal;

static void on_prompt_signal(int sig)
{
	prompt_signal = sig;
}

static const int prompt_sigs[] = { SIGALRM, SIGHUP,  SIGINT,  SIGPIPE, SIGQUIT,
	                           SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU };
#define NPROMPT_SIGS (sizeof prompt_sigs / sizeof prompt_sigs[0])

static void write_str(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t n = write(fd, s, len);
		if (n < 0 && errno == EINTR && !prompt_signal)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static int from_tty(tr_ctx *ctx, const char *prompt, char **pw, size_t *len)
{
	struct sigaction sa, old[NPROMPT_SIGS];
	struct termios saved, quiet;
	char *buf = NULL;
	size_t n;
	int fd, echo_off, echo_ok, too_long, sig;

restart:
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return tr_set_error(ctx, TR_ENEEDPASS,
		                    "encrypted backup: no password given and no terminal to ask "
		                    "on (use --password-file or %s)",
		                    PASSWORD_ENV);
	buf = malloc(PASSWORD_TTY_MAX);
	if (!buf) {
		close(fd);
		return tr_set_error(ctx, TR_ENOMEM, "password prompt: out of memory");
	}
	tr_secret_lock(buf, PASSWORD_TTY_MAX);
	prompt_signal = 0;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a signal must interrupt read() */
	sa.sa_handler = on_prompt_signal;
	for (size_t i = 0; i < NPROMPT_SIGS; i++)
		(void)sigaction(prompt_sigs[i], &sa, &old[i]);

	/* Echo must really be off before anything is typed: otherwise refuse
	 * rather than show the password. */
	echo_off = echo_ok = 0;
	if (tcgetattr(fd, &saved) == 0) {
		int set;
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		while ((set = tcsetattr(fd, TCSAFLUSH, &quiet)) != 0 && errno == EINTR &&
		       !prompt_signal)
			continue;
		echo_off = set == 0;
		if (echo_off && (tcgetattr(fd, &quiet) != 0 || (quiet.c_lflag & ECHO)))
			echo_ok = 0;
		else
			echo_ok = echo_off;
	}
	if (!echo_ok && !prompt_signal) {
		if (echo_off)
			(void)tcsetattr(fd, TCSAFLUSH, &saved);
		for (size_t i = 0; i < NPROMPT_SIGS; i++)
			(void)sigaction(prompt_sigs[i], &old[i], NULL);
		close(fd);
		free(buf);
		return tr_set_error(ctx, TR_ENEEDPASS,
		                    "encrypted backup: cannot turn off echo on the terminal; "
		                    "use --password-file or %s",
		                    PASSWORD_ENV);
	}
	if (!prompt_signal)
		write_str(fd, prompt);

	n = 0;
	too_long = 0;
	while (!prompt_signal) {
		char ch;
		ssize_t r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue; /* the loop condition sees a caught signal */
		if (r <= 0 || ch == '\n' || ch == '\r')
			break;
		if (n < PASSWORD_TTY_MAX - 1)
			buf[n++] = ch;
		else
			too_long = 1;
		OPENSSL_cleanse(&ch, 1);
	}
	memset(buf + n, 0, PASSWORD_TTY_MAX - n);

	if (echo_off) {
		while (tcsetattr(fd, TCSAFLUSH, &saved) != 0 && errno == EINTR &&
		       prompt_signal != SIGTTOU)
			continue;
		write_str(fd, "\n"); /* the user's Enter was not echoed */
	}
	for (size_t i = 0; i < NPROMPT_SIGS; i++)
		(void)sigaction(prompt_sigs[i], &old[i], NULL);
	close(fd);

	sig = prompt_signal;
	if (sig) {
		tr_secret_free(buf, PASSWORD_TTY_MAX);
		buf = NULL;
		raise(sig); /* its usual action, now that the terminal is sane */
		if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
			goto restart; /* continued after a stop: ask again */
		return tr_set_error(ctx, TR_EINTERRUPTED, "password prompt interrupted");
	}
	if (too_long || n == 0) {
		tr_secret_free(buf, PASSWORD_TTY_MAX);
		if (too_long)
			return tr_set_error(ctx, TR_EUSAGE, "password longer than %u bytes",
			                    PASSWORD_TTY_MAX - 1);
		return tr_set_error(ctx, TR_EUSAGE, "no password entered");
	}
	*pw = buf;
	*len = n;
	return TR_OK;
}

/* ------------------------------------------------------------------ */

int cli_passphrase(tr_ctx *ctx, void *arg, const char *prompt, char **pw, size_t *len)
{
	const cli_password *o = arg;
	const char *env;

	*pw = NULL;
	*len = 0;
	if (o && o->file && *o->file)
		return from_file(ctx, o->file, pw, len);
	env = getenv(PASSWORD_ENV);
	if (env)
		return from_env(ctx, env, pw, len);
	if (o && o->allow_tty && isatty(0))
		return from_tty(ctx, prompt ? prompt : "Password: ", pw, len);
	return tr_set_error(ctx, TR_ENEEDPASS,
	                    "encrypted backup: no password given (use --password-file, "
	                    "%s, or run on a terminal)",
	                    PASSWORD_ENV);
}

/* ------------------------------------------------------------------ */
/* Key file and output folder checks (exit 2, before the scan)         */

/* The folder part of path ("." when none). Malloc'ed; NULL: no memory. */
static char *folder_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* Is p dir itself or below it? Both canonical (realpath). */
static int is_under(const char *p, const char *dir)
{
	size_t n = strlen(dir);
	if (strcmp(dir, "/") == 0)
		return 1;
	return strncmp(p, dir, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

/* The folder path will be created in must exist, be a folder and, when
 * evidence is given, not be inside it. */
static int check_parent(tr_ctx *ctx, const char *path, const char *what, const char *evidence)
{
	char *dir = folder_of(path), rdir[PATH_MAX], rev[PATH_MAX];
	struct stat st;
	int rc = TR_OK;

	if (!dir)
		return tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", path);
	if (stat(dir, &st) != 0)
		rc = tr_set_error(ctx, TR_EUSAGE, "%s: cannot create the %s: %s: %s", path, what,
		                  dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		rc = tr_set_error(ctx, TR_EUSAGE, "%s: cannot create the %s: %s is not a folder",
		                  path, what, dir);
	else if (evidence && realpath(dir, rdir) && realpath(evidence, rev) && is_under(rdir, rev))
		rc = tr_set_error(ctx, TR_EUSAGE,
		                  "%s: the %s would be written inside the evidence %s; give a "
		                  "path outside it (evidence is never written to)",
		                  path, what, evidence);
	free(dir);
	return rc;
}

int cli_check_key_file(tr_ctx *ctx, const char *path, const char *evidence)
{
	unsigned char buf[68];
	struct stat st;
	ssize_t n;
	size_t len;
	int fd;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return check_parent(ctx, path, "key file", evidence);
		return tr_set_error(ctx, TR_EUSAGE, "%s: key file: %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return tr_set_error(ctx, TR_EUSAGE, "%s: key file is not a regular file", path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return tr_set_error(ctx, TR_EUSAGE, "%s: cannot open key file: %s", path,
		                    strerror(errno));
	do
		n = read(fd, buf, sizeof buf);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0) {
		OPENSSL_cleanse(buf, sizeof buf);
		return tr_set_error(ctx, TR_EUSAGE, "%s: cannot read key file: %s", path,
		                    strerror(errno));
	}
	len = (size_t)n;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	for (size_t i = 0; i < len && len == 64; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') || ((buf[i] | 0x20) >= 'a' && (buf[i] | 0x20) <= 'f')))
			len = 0;
	OPENSSL_cleanse(buf, sizeof buf); /* the key itself */
	if (len != 64)
		return tr_set_error(ctx, TR_EUSAGE,
		                    "%s: not a backup key file (expected 64 hex digits)", path);
	return TR_OK;
}

int cli_check_new_folder(tr_ctx *ctx, const char *path)
{
	struct stat st;
	if (lstat(path, &st) == 0)
		return TR_OK;
	if (errno != ENOENT)
		return tr_set_error(ctx, TR_EUSAGE, "%s: %s", path, strerror(errno));
	return check_parent(ctx, path, "output folder", NULL);
}
