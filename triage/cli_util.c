/*
 * cli_util.c - usage errors and option parsing shared by the CLI's
 * command files (cli.c, cli_custody.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "spytriage.h"

void cli_put(FILE *f, const char *s)
{
	char small[512], *big;
	size_t n = tr_term_escape(s, 0, small, sizeof small);
	if (n < sizeof small) {
		fputs(small, f);
		return;
	}
	if (!(big = malloc(n + 1))) {
		fputs(small, f); /* cut, still escaped */
		return;
	}
	tr_term_escape(s, 0, big, n + 1);
	fputs(big, f);
	free(big);
}

void cli_error_line(const char *prefix, const char *msg)
{
	fprintf(stderr, "%s: ", prefix);
	cli_put(stderr, msg);
	fputc('\n', stderr);
}

/* The arguments a usage error quotes are the user's, but may be pasted
 * from anywhere: escaped like everything else. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	char *msg = NULL;
	fprintf(stderr, "spytriage %s: ", cmd);
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	cli_put(stderr, msg ? msg : "(out of memory)");
	free(msg);
	fprintf(stderr, "\nTry 'spytriage help %s'.\n", cmd);
	return 2;
}

int cli_unknown_option(const char *cmd, const char *arg)
{
	char name[64];
	size_t n = strcspn(arg, "=");

	if (n >= sizeof name)
		n = sizeof name - 1;
	for (size_t i = 0; i < n; i++)
		name[i] = (unsigned char)arg[i] < 0x20 || arg[i] == 0x7f ? '?' : arg[i];
	name[n] = '\0';
	if (strcmp(name, "--password") == 0)
		return cli_usage_error(cmd,
		                       "--password: passwords are never taken on the command line; "
		                       "use --password-file, SPYTRIAGE_BACKUP_PASSWORD or the prompt");
	return cli_usage_error(cmd, "unknown option '%s'%s", name,
	                       arg[n] == '=' ? " (its value is not shown)" : "");
}

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	*val = (*i + 1 < argc) ? argv[++*i] : NULL;
	return 1;
}

int cli_parse_size(const char *v, unsigned long long *out)
{
	unsigned long long n = 0, mul = 1;
	const char *p = v;
	if (!v || *v < '0' || *v > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (~0ull - 9) / 10)
			return -1;
		n = n * 10 + (unsigned)(*p - '0');
	}
	switch (*p) {
	case '\0': break;
	case 'K': case 'k': mul = 1ull << 10; p++; break;
	case 'M': case 'm': mul = 1ull << 20; p++; break;
	case 'G': case 'g': mul = 1ull << 30; p++; break;
	case 'T': case 't': mul = 1ull << 40; p++; break;
	default: return -1;
	}
	if (*p || n == 0 || n > ~0ull / mul)
		return -1;
	*out = n * mul;
	return 0;
}

int cli_pack_trust_option(struct tr_ctx *ctx, const char *cmd, int argc, char **argv, int *i,
                          int *ex)
{
	const char *v;
	if (!strcmp(argv[*i], "--allow-unsigned")) {
		tr_set_allow_unsigned(ctx, 1);
		return 1;
	}
	if (!cli_opt_value(argc, argv, i, "--keyring", &v))
		return 0;
	if (!v) {
		*ex = cli_usage_error(cmd, "%s needs a folder", "--keyring");
		return -1;
	}
	if (tr_add_keyring(ctx, v) != 0) {
		*ex = 4; /* out of memory */
		return -1;
	}
	return 1;
}

int cli_lang_option(struct tr_ctx *ctx, const char *cmd, int argc, char **argv, int *i, int *ex)
{
	const char *v;
	int rc;
	if (!cli_opt_value(argc, argv, i, "--lang", &v))
		return 0;
	if (!v || !*v) {
		*ex = cli_usage_error(cmd, "%s needs a language code (en, hi)", "--lang");
		return -1;
	}
	if ((rc = tr_set_language(ctx, v)) != TR_OK) {
		*ex = rc == TR_EUSAGE ? cli_usage_error(cmd, "--lang: %s", tr_errmsg(ctx)) : 4;
		return -1;
	}
	return 1;
}
