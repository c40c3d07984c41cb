/*
 * test_cli_secret.c - where the command-line tool gets a password
 * (triage/cli_secret.c: password file, environment, terminal prompt), and
 * the library's side of it (tr_get_password through options.passphrase).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "unit.h"
#include "cli_secret.h"

static tr_ctx *new_ctx(void)
{
	tr_ctx *ctx = NULL;
	assert_int_equal(tr_ctx_create(&ctx), TR_OK);
	return ctx;
}

/* ------------------------------------------------------------------ */
/* Passwords                                                           */

static void test_password_file(void **state)
{
	cli_password src = { NULL, 0 };
	tr_ctx *ctx = new_ctx();
	char *dir = unit_tmpdir(), path[4200], *pw = NULL, big[5000];
	size_t len = 0;

	(void)state;
	unsetenv("SPYTRIAGE_BACKUP_PASSWORD");
	snprintf(path, sizeof path, "%s/pw", dir);
	src.file = path;

	unit_write_file(path, "s3cret pass\n", 12);
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_OK);
	assert_int_equal(len, 11);
	assert_string_equal(pw, "s3cret pass");
	tr_secret_free(pw, len);

	unit_write_file(path, "crlf\r\n", 6);
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_OK);
	assert_int_equal(len, 4);
	assert_string_equal(pw, "crlf");
	tr_secret_free(pw, len);

	/* Only one newline is stripped; none needed. */
	unit_write_file(path, "two\n\n", 5);
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_OK);
	assert_int_equal(len, 4);
	assert_memory_equal(pw, "two\n", 5);
	tr_secret_free(pw, len);
	unit_write_file(path, "bare", 4);
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_OK);
	assert_string_equal(pw, "bare");
	tr_secret_free(pw, len);

	/* The file wins over the environment. */
	setenv("SPYTRIAGE_BACKUP_PASSWORD", "fromenv", 1);
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_OK);
	assert_string_equal(pw, "bare");
	tr_secret_free(pw, len);
	unsetenv("SPYTRIAGE_BACKUP_PASSWORD");

	/* Empty, only a newline, too big, absent. */
	unit_write_file(path, "", 0);
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_EUSAGE);
	assert_null(pw);
	assert_non_null(strstr(tr_errmsg(ctx), "password file is empty"));
	unit_write_file(path, "\n", 1);
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_EUSAGE);
	memset(big, 'a', sizeof big);
	unit_write_file(path, big, 4097);
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_EUSAGE);
	unit_write_file(path, big, 4096);
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_OK);
	assert_int_equal(len, 4096);
	tr_secret_free(pw, len);
	/* issue 12, defect 9: an absent password file, or a folder, is the
	 * user's input (TR_EUSAGE, exit 2), like an empty one, not evidence */
	snprintf(path, sizeof path, "%s/absent", dir);
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_EUSAGE);
	snprintf(path, sizeof path, "%s", dir);
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_EUSAGE);

	tr_secret_free(NULL, 10); /* NULL-safe */
	unit_rmtree(dir);
	free(dir);
	tr_ctx_destroy(ctx);
}

static void test_password_env(void **state)
{
	cli_password src = { NULL, 0 };
	tr_ctx *ctx = new_ctx();
	char *pw = NULL;
	size_t len = 0;

	(void)state;
	setenv("SPYTRIAGE_BACKUP_PASSWORD", "env pass\n", 1);
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_OK);
	assert_int_equal(len, 9); /* taken as is */
	assert_string_equal(pw, "env pass\n");
	tr_secret_free(pw, len);
	/* Gone from the environment: children do not inherit it. */
	assert_null(getenv("SPYTRIAGE_BACKUP_PASSWORD"));

	setenv("SPYTRIAGE_BACKUP_PASSWORD", "", 1);
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_EUSAGE);
	assert_null(getenv("SPYTRIAGE_BACKUP_PASSWORD"));
	tr_ctx_destroy(ctx);
}

static void test_no_password(void **state)
{
	cli_password src = { NULL, 0 };
	tr_ctx *ctx = new_ctx();
	char *pw = NULL;
	size_t len = 0;
	int saved = dup(0), devnull = open("/dev/null", O_RDONLY);

	(void)state;
	unsetenv("SPYTRIAGE_BACKUP_PASSWORD");
	assert_true(saved >= 0 && devnull >= 0);
	assert_int_equal(dup2(devnull, 0), 0); /* stdin is not a TTY */
	src.allow_tty = 1;
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_ENEEDPASS);
	assert_null(pw);
	assert_string_equal(tr_errmsg(ctx),
	                    "encrypted backup: no password given (use --password-file, "
	                    "SPYTRIAGE_BACKUP_PASSWORD, or run on a terminal)");
	src.allow_tty = 0;
	assert_int_equal(cli_passphrase(ctx, &src, NULL, &pw, &len), TR_ENEEDPASS);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	close(devnull);
	tr_ctx_destroy(ctx);
}

/* The prompt, on a pseudo-terminal made the controlling terminal of a
 * child: the prompt appears, the password is not echoed, the terminal's
 * echo is restored; ^C interrupts and also restores it. */
static int tty_child(int mode, const char *slave)
{
	cli_password src = { NULL, 0 };
	tr_ctx *ctx = NULL;
	struct termios t;
	char *pw = NULL;
	size_t len = 0;
	int fd, rc, ok;

	if (setsid() < 0)
		return 10;
	fd = open(slave, O_RDWR); /* becomes the controlling terminal */
	if (fd < 0 || dup2(fd, 0) < 0)
		return 11;
	unsetenv("SPYTRIAGE_BACKUP_PASSWORD");
	if (mode == 1)
		signal(SIGINT, SIG_IGN); /* survive the re-raised ^C */
	if (tr_ctx_create(&ctx) != TR_OK)
		return 12;
	src.allow_tty = 1;
	rc = cli_passphrase(ctx, &src, "PW? ", &pw, &len);
	if (tcgetattr(0, &t) != 0 || !(t.c_lflag & ECHO))
		return 13; /* echo not restored */
	if (mode == 0)
		ok = rc == TR_OK && len == 9 && strcmp(pw, "hunter2 x") == 0;
	else
		ok = rc == TR_EINTERRUPTED && pw == NULL &&
		     strcmp(tr_errmsg(ctx), "password prompt interrupted") == 0;
	tr_secret_free(pw, len);
	tr_ctx_destroy(ctx);
	return ok ? 0 : 14;
}

/* Reads from the master until needle shows (or 5 s); appends to out. */
static int pty_wait(int master, char *out, size_t cap, size_t *n, const char *needle)
{
	for (int i = 0; i < 50; i++) {
		struct pollfd p = { master, POLLIN, 0 };
		out[*n] = 0;
		if (needle && strstr(out, needle))
			return 1;
		if (poll(&p, 1, 100) > 0) {
			ssize_t r = read(master, out + *n, cap - 1 - *n);
			if (r <= 0)
				return needle == NULL;
			*n += (size_t)r;
		}
	}
	out[*n] = 0;
	return needle == NULL;
}

static void test_password_tty(void **state)
{
	(void)state;
	for (int mode = 0; mode < 2; mode++) {
		char out[4096], *slave;
		size_t n = 0;
		int master = posix_openpt(O_RDWR | O_NOCTTY), st = -1;
		pid_t pid;

		if (master < 0) {
			skip(); /* no pseudo-terminals in this sandbox */
			return;
		}
		assert_int_equal(grantpt(master), 0);
		assert_int_equal(unlockpt(master), 0);
		slave = ptsname(master);
		assert_non_null(slave);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			_exit(tty_child(mode, slave));
		assert_true(pty_wait(master, out, sizeof out, &n, "PW? "));
		if (mode == 0)
			assert_int_equal(write(master, "hunter2 x\n", 10), 10);
		else
			assert_int_equal(write(master, "hun\003", 4), 4);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		pty_wait(master, out, sizeof out, &n, NULL);
		close(master);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
		assert_null(strstr(out, "hunter")); /* never echoed */
		assert_null(strstr(out, "hun"));
	}
}


/* ------------------------------------------------------------------ */
/* The library's side: options.passphrase                              */

static int cb_calls;
static char answer_s3cret[] = "s3cret", answer_empty[] = "";

static int cb_fixed(tr_ctx *ctx, void *arg, const char *prompt, char **pw, size_t *len)
{
	const char *v = arg;
	cb_calls++;
	assert_string_equal(prompt, "Backup password: ");
	if (!v)
		return tr_set_error(ctx, TR_EINTERRUPTED, "password prompt interrupted");
	*pw = strdup(v);
	*len = strlen(v);
	return *pw ? TR_OK : TR_ENOMEM;
}

static void test_library_passphrase(void **state)
{
	tr_ctx *ctx = new_ctx();
	char *pw = NULL;
	size_t len = 0;

	(void)state;
	/* No callback: the library has no password source of its own, even
	 * with the variable set. */
	setenv("SPYTRIAGE_BACKUP_PASSWORD", "fromenv", 1);
	assert_int_equal(tr_get_password(ctx, "Backup password: ", &pw, &len), TR_ENEEDPASS);
	assert_null(pw);
	assert_non_null(strstr(tr_errmsg(ctx), "no password given"));
	assert_string_equal(getenv("SPYTRIAGE_BACKUP_PASSWORD"), "fromenv");
	unsetenv("SPYTRIAGE_BACKUP_PASSWORD");

	tr_ctx_options(ctx)->passphrase = cb_fixed;
	tr_ctx_options(ctx)->passphrase_arg = answer_s3cret;
	assert_int_equal(tr_get_password(ctx, "Backup password: ", &pw, &len), TR_OK);
	assert_int_equal(len, 6);
	assert_string_equal(pw, "s3cret");
	tr_secret_free(pw, len);
	pw = NULL;

	/* An empty answer is no password. */
	tr_ctx_options(ctx)->passphrase_arg = answer_empty;
	assert_int_equal(tr_get_password(ctx, "Backup password: ", &pw, &len), TR_EUSAGE);
	assert_null(pw);
	assert_int_equal(len, 0);

	/* The callback's status and message come through. */
	tr_ctx_options(ctx)->passphrase_arg = NULL;
	assert_int_equal(tr_get_password(ctx, "Backup password: ", &pw, &len), TR_EINTERRUPTED);
	assert_null(pw);
	assert_string_equal(tr_errmsg(ctx), "password prompt interrupted");
	assert_int_equal(cb_calls, 3);
	tr_ctx_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_file),
		cmocka_unit_test(test_password_env),
		cmocka_unit_test(test_no_password),
		cmocka_unit_test(test_password_tty),
		cmocka_unit_test(test_library_passphrase),
	};
	return cmocka_run_group_tests_name("cli_secret", tests, NULL, NULL);
}
