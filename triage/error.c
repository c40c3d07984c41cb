/*
 * error.c - the error model: status names, the context's last error,
 * which statuses are fatal, the CLI's exit codes, and interruption
 * (a flag a signal handler may set).
 *
 * The lowest layer of the core: it calls nothing else of it, so every
 * part can report an error without a dependency loop.
 */
#include <stdarg.h>
#include <stdio.h>

#include "ctx.h"

const char *tr_strerror(int status)
{
	switch ((enum tr_status)status) {
	case TR_OK: return "success";
	case TR_ENOMEM: return "out of memory";
	case TR_EIO: return "input/output error";
	case TR_ENOTFOUND: return "not found";
	case TR_EFORMAT: return "unexpected format";
	case TR_ELIMIT: return "safety limit exceeded";
	case TR_EUNSUPPORTED: return "not supported";
	case TR_EUSAGE: return "usage error";
	case TR_EPASSWORD: return "wrong password or key";
	case TR_ENEEDPASS: return "password needed";
	case TR_ESQLITE: return "SQLite error";
	case TR_EPLIST: return "property list error";
	case TR_EJSON: return "JSON error";
	case TR_EYARA: return "YARA error";
	case TR_ECRYPTO: return "cryptography error";
	case TR_EARCHIVE: return "archive error";
	case TR_EINTERNAL: return "internal error";
	case TR_EEXISTS: return "already exists";
	case TR_EINTERRUPTED: return "interrupted";
	case TR_EACCES: return "permission denied";
	case TR_EOUTPUT: return "cannot write the output";
	}
	return "unknown error";
}

int tr_set_error(tr_ctx *ctx, int status, const char *fmt, ...)
{
	va_list ap;
	if (!ctx)
		return status;
	ctx->err = status;
	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
	va_end(ap);
	tr_redact_inplace(ctx, ctx->errmsg); /* no device identifier (redact.c) */
	return status;
}

int tr_is_fatal(int status)
{
	return status == TR_ENOMEM || status == TR_EINTERNAL || status == TR_EINTERRUPTED;
}

void tr_clear_error(tr_ctx *ctx)
{
	ctx->err = TR_OK;
	ctx->errmsg[0] = '\0';
}

const char *tr_errmsg(const tr_ctx *ctx)
{
	if (!ctx)
		return "no context";
	if (!ctx->errmsg[0])
		return tr_strerror(ctx->err);
	return ctx->errmsg;
}

int tr_exit_code(int status)
{
	switch ((enum tr_status)status) {
	case TR_OK: return 0;
	case TR_EUSAGE:
	case TR_EJSON:
	case TR_EYARA:
	case TR_EEXISTS:
	case TR_EOUTPUT: return 2;
	case TR_EIO:
	case TR_ENOTFOUND:
	case TR_EFORMAT:
	case TR_ELIMIT:
	case TR_EUNSUPPORTED:
	case TR_EPASSWORD:
	case TR_ENEEDPASS:
	case TR_ESQLITE:
	case TR_EPLIST:
	case TR_ECRYPTO:
	case TR_EARCHIVE:
	case TR_EINTERRUPTED:
	case TR_EACCES: return 3;
	case TR_ENOMEM:
	case TR_EINTERNAL: return 4;
	}
	return 4;
}

/* ------------------------------------------------------- interruption */

void tr_interrupt(tr_ctx *ctx)
{
	if (ctx)
		ctx->interrupted = 1;
}

int tr_interrupted(const tr_ctx *ctx)
{
	/* A worker's context follows its scan's. */
	return ctx->interrupted || (ctx->parent && ctx->parent->interrupted);
}

int tr_check_interrupt(tr_ctx *ctx)
{
	if (!tr_interrupted(ctx))
		return TR_OK;
	return tr_set_error(ctx, TR_EINTERRUPTED, "interrupted");
}

