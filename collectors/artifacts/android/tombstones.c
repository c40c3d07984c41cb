/*
 * tombstones.c - native crash reports of Android (/data/tombstones/
 * tombstone_NN, and from Android 12 their protobuf twins tombstone_NN.pb),
 * as a bug report copies them (FS/data/tombstones/).
 *
 * Failed exploits crash privileged processes; a crashing process can also
 * be spyware itself. MVT (tombstone_crashes) checks the process name and
 * command against process indicators and flags crashes of uid 0, 1000 and
 * 2000. Heuristic whatsapp_crash_in_window (low; campaigns.h): a crash of
 * a WhatsApp process (command line, process or main thread com.whatsapp,
 * com.whatsapp.w4b, or one of their ":sub" processes) inside a campaign
 * window of an exploit that came through WhatsApp (issue 14).
 *
 * Text format (android-formats.md §2.4):
 *     Build fingerprint: '...'
 *     Timestamp: 2023-04-12 12:32:40.518290770+0200
 *     Cmdline: /vendor/bin/hw/android.hardware.media.c2@1.2-mediatek
 *     pid: 25541, tid: 21307, name: mtk.ape.decoder  >>> /vendor/bin/... <<<
 *     uid: 1046
 *     signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr ...
 * Only the first pid line counts (later ones are other threads).
 *
 * Protobuf format: AOSP system/core/debuggerd/proto/tombstone.proto,
 * message Tombstone: build_fingerprint = 2 (string), timestamp = 4
 * (string, as in the text form), pid = 5, tid = 6, uid = 7 (uint32),
 * selinux_label = 8, command_line = 9 (repeated string), signal_info = 10
 * (message Signal: name = 2), threads = 16 (map<uint32, Thread>: entries
 * with key = 1, value = 2; Thread: id = 1, name = 2). The process name is
 * the name of the thread whose id is tid, as MVT takes it.
 *
 * Records "crash": process (the crashing thread's name), main_thread (the
 * name of thread pid, protobuf only, when it differs), command (first word
 * of the command line; a path when it starts with '/'), binary (process
 * path), uid, pid, signal; time = the timestamp, whose UTC offset is
 * applied, or, when it is missing or blank, the file's modification time
 * (time_basis says so). Heuristic privileged_process_crash (medium) for uid 0, 1000 or
 * 2000. Heuristic whatsapp_crash_in_window (low; campaigns.h): a crash of
 * a WhatsApp process (command line, process or main thread com.whatsapp,
 * com.whatsapp.w4b, or one of their ":sub" processes) inside a campaign
 * window of an exploit that came through WhatsApp (issue 14).
 *
 * Bounds: a text tombstone is read up to its first TOMB_MAX_TEXT bytes
 * (the header comes first; the rest is registers, backtraces and memory);
 * a protobuf one up to TOMB_MAX_PB bytes (cut: parsed as far as it goes,
 * incomplete scan); the wire reader checks every length against what is
 * left, never recurses more than the three levels it knows, and reads at
 * most TOMB_MAX_THREADS thread entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/artifacts/common/campaigns.h"
#include "collectors/artifacts/android/android_common.h"
#include "collectors/artifacts/modlib.h"

#define TOMB_MAX_TEXT (256u << 10)
#define TOMB_MAX_PB (32u << 20)
#define TOMB_MAX_THREADS 65536u

static const tr_want tombstone_wants[] = {
	{ "/data/tombstones/tombstone_*", NULL },
	{ NULL, NULL },
};

typedef struct crash {
	char process[256];
	char main_thread[256];
	char command[512];
	char binary[512];
	char signal[64];
	char timestamp[64];
	long long pid, tid, uid;
} crash;

/* Reads up to cap bytes of f (the buffer grows as the bytes come, so a
 * small file costs little); *cut when there was more. */
static int read_head(tr_ctx *ctx, const tr_source *src, const tr_file *f, size_t cap, char **buf,
                     size_t *len, int *cut)
{
	tr_reader *r = NULL;
	size_t n = 0, have = 0;
	char *b = NULL;
	int rc = tr_source_open(ctx, src, f, &r);

	*buf = NULL;
	*len = 0;
	*cut = 0;
	if (rc != TR_OK)
		return rc;
	for (;;) {
		ssize_t got;
		if (n == have) {
			size_t nh = have ? have * 2 : 64u << 10;
			char *nb;
			if (nh > cap + 1)
				nh = cap + 1;
			if (nh == have) {
				*cut = 1;
				n = cap;
				break;
			}
			nb = realloc(b, nh + 1);
			if (!nb) {
				free(b);
				r->close(r);
				return tr_set_error(ctx, TR_ENOMEM, "out of memory");
			}
			b = nb;
			have = nh;
		}
		got = r->read(r, b + n, have - n);
		if (got < 0) {
			free(b);
			r->close(r);
			return TR_EIO;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > cap) {
			n = cap;
			*cut = 1;
			break;
		}
	}
	r->close(r);
	if (!b && !(b = malloc(1)))
		return tr_set_error(ctx, TR_ENOMEM, "out of memory");
	b[n] = '\0';
	*buf = b;
	*len = n;
	return TR_OK;
}

/* "YYYY-MM-DD HH:MM:SS[.fff...][+HHMM|+HH:MM|Z]" -> Unix seconds (UTC).
 * Without an offset the time is device-local. */
static double tomb_time(tr_ctx *ctx, const char *s, int *local)
{
	size_t n = strlen(s), i = 19;
	double t;
	int sign, hh, mm;

	*local = 0;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	if (n < 19)
		return TR_NOTIME;
	while (i < n && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')))
		i++;
	if (i == n)
		return adm_local_time(ctx, s, n, local);
	if (s[i] == 'Z' && i + 1 == n)
		return trm_parse_utc(s);
	if ((s[i] != '+' && s[i] != '-') || n - i < 5)
		return TR_NOTIME;
	sign = s[i] == '-' ? -1 : 1;
	{
		const char *o = s + i + 1;
		if (!(o[0] >= '0' && o[0] <= '9' && o[1] >= '0' && o[1] <= '9'))
			return TR_NOTIME;
		hh = (o[0] - '0') * 10 + (o[1] - '0');
		o += 2;
		if (*o == ':')
			o++;
		if (o + 2 > s + n || !(o[0] >= '0' && o[0] <= '9' && o[1] >= '0' && o[1] <= '9'))
			return TR_NOTIME;
		mm = (o[0] - '0') * 10 + (o[1] - '0');
	}
	{
		char utc[20];
		memcpy(utc, s, 19);
		utc[19] = '\0';
		t = trm_parse_utc(utc);
	}
	if (!TR_HAS_TIME(t) || hh > 23 || mm > 59)
		return TR_NOTIME;
	if (s[19] == '.') {
		/* the fraction (up to nanoseconds) */
		double scale = 0.1;
		for (size_t k = 20; k < i && k < 29; k++, scale /= 10)
			t += (s[k] - '0') * scale;
	}
	return t - sign * (hh * 3600.0 + mm * 60.0);
}

static void copy_field(char *dst, size_t cap, const char *s, size_t n)
{
	size_t k = n < cap - 1 ? n : cap - 1;
	memcpy(dst, s, k);
	dst[k] = '\0'; /* a NUL byte of the input ends the value early */
}

static void strip_quotes(char *s)
{
	size_t n = strlen(s);
	if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'') {
		memmove(s, s + 1, n - 2);
		s[n - 2] = '\0';
	}
}

static void parse_text(const char *b, size_t len, crash *c)
{
	const char *p = b, *end = b + len;
	int seen_pid = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *l = p;
		size_t n = (size_t)((nl ? nl : end) - p);
		p = nl ? nl + 1 : end;
		if (n && l[n - 1] == '\r')
			n--;
		if (n > 11 && memcmp(l, "Timestamp: ", 11) == 0) {
			copy_field(c->timestamp, sizeof c->timestamp, l + 11, n - 11);
		} else if (n > 9 && memcmp(l, "Cmdline: ", 9) == 0) {
			copy_field(c->command, sizeof c->command, l + 9, n - 9);
		} else if (n > 5 && memcmp(l, "uid: ", 5) == 0 && c->uid < 0) {
			char num[24], *e;
			copy_field(num, sizeof num, l + 5, n - 5);
			c->uid = strtoll(num, &e, 10);
			if (e == num || *e || c->uid < 0)
				c->uid = -1;
		} else if (n > 7 && memcmp(l, "signal ", 7) == 0 && !c->signal[0]) {
			const char *o = memchr(l, '(', n),
			           *e2 = o ? memchr(o, ')', (size_t)(l + n - o)) : NULL;
			if (o && e2)
				copy_field(c->signal, sizeof c->signal, o + 1,
				           (size_t)(e2 - o - 1));
		} else if (n > 5 && memcmp(l, "pid: ", 5) == 0 && !seen_pid) {
			/* pid: 25541, tid: 21307, name: mtk.ape.decoder  >>> /path <<< */
			const char *nm, *arrow, *ae;
			char num[24];
			seen_pid = 1;
			copy_field(num, sizeof num, l + 5, n - 5);
			c->pid = strtoll(num, NULL, 10);
			{
				const char *t = memchr(l, 't', n);
				while (t && (size_t)(l + n - t) > 5 && memcmp(t, "tid: ", 5) != 0)
					t = memchr(t + 1, 't', (size_t)(l + n - t - 1));
				if (t && (size_t)(l + n - t) > 5) {
					copy_field(num, sizeof num, t + 5, (size_t)(l + n - t - 5));
					c->tid = strtoll(num, NULL, 10);
				}
			}
			nm = NULL;
			for (const char *q = l; q + 6 <= l + n; q++)
				if (memcmp(q, "name: ", 6) == 0) {
					nm = q + 6;
					break;
				}
			arrow = NULL;
			for (const char *q = l; q + 4 <= l + n; q++)
				if (memcmp(q, " >>>", 4) == 0) {
					arrow = q;
					break;
				}
			if (nm) {
				const char *ne = arrow && arrow > nm ? arrow : l + n;
				while (ne > nm && ne[-1] == ' ')
					ne--;
				copy_field(c->process, sizeof c->process, nm, (size_t)(ne - nm));
			}
			if (arrow) {
				const char *bs = arrow + 4;
				while (bs < l + n && *bs == ' ')
					bs++;
				ae = l + n;
				if (ae - bs >= 4 && memcmp(ae - 4, " <<<", 4) == 0)
					ae -= 4;
				while (ae > bs && ae[-1] == ' ')
					ae--;
				copy_field(c->binary, sizeof c->binary, bs, (size_t)(ae - bs));
			}
		} else if (n == 10 && memcmp(l, "backtrace:", 10) == 0) {
			break;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Protobuf wire format                                                */

typedef struct pb {
	const unsigned char *p, *end;
} pb;

/* 1 and the value, or 0 (truncated or longer than 10 bytes). */
static int pb_varint(pb *r, uint64_t *v)
{
	uint64_t x = 0;
	for (int shift = 0; shift < 70 && r->p < r->end; shift += 7) {
		unsigned char b = *r->p++;
		if (shift < 64)
			x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 1;
		}
	}
	return 0;
}

/* The next field: number, wire type, and for type 0 its value, for type 2
 * its bytes. Fixed-width fields are skipped over here too. 0 at the end or
 * on malformed input (groups are not used by tombstone.proto). */
static int pb_field(pb *r, uint32_t *num, int *type, uint64_t *v, pb *sub)
{
	uint64_t key;
	if (r->p >= r->end || !pb_varint(r, &key))
		return 0;
	*num = (uint32_t)(key >> 3);
	*type = (int)(key & 7);
	switch (*type) {
	case 0: return pb_varint(r, v);
	case 1:
		if (r->end - r->p < 8)
			return 0;
		r->p += 8;
		return 1;
	case 5:
		if (r->end - r->p < 4)
			return 0;
		r->p += 4;
		return 1;
	case 2:
		if (!pb_varint(r, v) || *v > (uint64_t)(r->end - r->p))
			return 0;
		sub->p = r->p;
		sub->end = r->p + *v;
		r->p += *v;
		return 1;
	default: return 0;
	}
}

static void pb_string(char *dst, size_t cap, const pb *s)
{
	copy_field(dst, cap, (const char *)s->p, (size_t)(s->end - s->p));
}

/* Thread {id = 1, name = 2}: name into out when id == want. */
static void pb_thread(pb t, uint64_t want, char *out, size_t cap)
{
	uint32_t num;
	int type;
	uint64_t v, id = UINT64_MAX;
	pb sub, name = { NULL, NULL };
	while (pb_field(&t, &num, &type, &v, &sub)) {
		if (num == 1 && type == 0)
			id = (uint32_t)v;
		else if (num == 2 && type == 2)
			name = sub;
	}
	if (id == want && name.p && !out[0])
		pb_string(out, cap, &name);
}

/* 0 when the message is malformed before anything was read. */
static int parse_pb(const unsigned char *b, size_t len, crash *c)
{
	pb r = { b, b + len }, sub;
	uint32_t num;
	int type, fields = 0;
	uint64_t v;
	size_t threads = 0;
	const unsigned char *threads_at = NULL;

	while (pb_field(&r, &num, &type, &v, &sub)) {
		fields++;
		if (type == 2 && num == 4)
			pb_string(c->timestamp, sizeof c->timestamp, &sub);
		else if (type == 0 && num == 5)
			c->pid = (uint32_t)v;
		else if (type == 0 && num == 6)
			c->tid = (uint32_t)v;
		else if (type == 0 && num == 7)
			c->uid = (uint32_t)v;
		else if (type == 2 && num == 9 && !c->command[0])
			pb_string(c->command, sizeof c->command, &sub);
		else if (type == 2 && num == 10) {
			pb s2 = sub, ss;
			uint32_t n2;
			int t2;
			uint64_t v2;
			while (pb_field(&s2, &n2, &t2, &v2, &ss))
				if (n2 == 2 && t2 == 2 && !c->signal[0])
					pb_string(c->signal, sizeof c->signal, &ss);
		} else if (type == 2 && num == 16 && !threads_at) {
			threads_at = sub.p; /* read once pid and tid are known */
		}
	}
	/* map entries: read them all after the scalar fields, which may come
	 * after them in the message */
	if (threads_at) {
		pb r2 = { b, b + len };
		while (threads < TOMB_MAX_THREADS && pb_field(&r2, &num, &type, &v, &sub)) {
			if (num != 16 || type != 2)
				continue;
			threads++;
			{
				pb e = sub, es;
				uint32_t n3;
				int t3;
				uint64_t v3;
				while (pb_field(&e, &n3, &t3, &v3, &es))
					if (n3 == 2 && t3 == 2) {
						if (c->tid >= 0)
							pb_thread(es, (uint64_t)c->tid, c->process,
							          sizeof c->process);
						if (c->pid >= 0)
							pb_thread(es, (uint64_t)c->pid,
							          c->main_thread,
							          sizeof c->main_thread);
					}
			}
		}
	}
	if (strcmp(c->main_thread, c->process) == 0)
		c->main_thread[0] = '\0';
	return fields > 0;
}

/* ------------------------------------------------------------------ */

static int emit_crash(tr_ctx *ctx, const tr_module *m, const tr_file *f, crash *c)
{
	char uid[24], pid[24], cmd0[512], tbuf[32];
	tr_kv kv[10];
	size_t nkv = 0;
	tr_record rec;
	double t;
	int local = 0, from_mtime = 0, rc;

	strip_quotes(c->command);
	/* the first word of the command line */
	snprintf(cmd0, sizeof cmd0, "%s", c->command);
	cmd0[strcspn(cmd0, " ")] = '\0';
	t = c->timestamp[0] ? tomb_time(ctx, c->timestamp, &local) : TR_NOTIME;
	/* No (or an empty, or a blank) timestamp: some Android 12+ protobuf
	 * tombstones leave it out. debuggerd writes the file when the crash
	 * happens, so its modification time stands in (as MVT does), and the
	 * record says so. */
	if (!TR_HAS_TIME(t) && TR_HAS_TIME(f->mtime)) {
		t = f->mtime;
		local = 0;
		from_mtime = 1;
	}
	if (c->uid >= 0)
		snprintf(uid, sizeof uid, "%lld", c->uid);
	else
		uid[0] = '\0';
	if (c->pid >= 0)
		snprintf(pid, sizeof pid, "%lld", c->pid);
	else
		pid[0] = '\0';
	trm_kv(kv, &nkv, 10, "process", c->process, TR_M_PROCESS, 0);
	trm_kv(kv, &nkv, 10, "main_thread", c->main_thread, TR_M_PROCESS, 0);
	trm_kv(kv, &nkv, 10, "command", cmd0, cmd0[0] == '/' ? TR_M_PROCESS_PATH : TR_M_PROCESS, 0);
	trm_kv(kv, &nkv, 10, "binary", c->binary,
	       c->binary[0] == '/' ? TR_M_PROCESS_PATH : TR_M_PROCESS, 0);
	trm_kv(kv, &nkv, 10, "uid", uid, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "pid", pid, TR_M_NONE, 0);
	trm_kv(kv, &nkv, 10, "signal", c->signal, TR_M_NONE, 0);
	if (TR_HAS_TIME(t))
		trm_kv(kv, &nkv, 10, "timestamp", tr_time_format(t, tbuf, sizeof tbuf), TR_M_NONE,
		       0);
	if (TR_HAS_TIME(t) && local)
		trm_kv(kv, &nkv, 10, "time_basis", "device local time, timezone unknown", TR_M_NONE,
		       0);
	if (from_mtime)
		trm_kv(kv, &nkv, 10, "time_basis",
		       "file modification time (the tombstone has no timestamp)", TR_M_NONE, 0);
	rec = (tr_record){ .file = f, .time = t, .event = "crash", .kv = kv, .nkv = nkv };
	if ((rc = tr_emit(ctx, m, &rec)) != TR_OK)
		return rc;
	if (c->uid == 0 || c->uid == 1000 || c->uid == 2000)
		rc = tr_add_heuristic(
		        ctx, m->name, &rec, TR_LEVEL_MEDIUM, "privileged_process_crash",
		        "A process running as root (uid 0), system (1000) or the adb shell (2000) "
		        "crashed. Failed exploits crash privileged processes, so MVT flags these; "
		        "but such crashes also come from ordinary bugs. Look at the process and "
		        "the time together with the other findings; not proof on its own.");
	/* an app process's command line is its package name */
	if (rc == TR_OK && (trc_is_whatsapp_process(cmd0) || trc_is_whatsapp_process(c->process) ||
	                    trc_is_whatsapp_process(c->main_thread)))
		rc = trc_whatsapp_crash(ctx, m->name, &rec);
	return rc;
}

static int tombstones_run(tr_ctx *ctx, const tr_module *m, const tr_source *src, const tr_file *f)
{
	char disp[TRM_DISPLAY_LEN];
	const char *dp = f->device_path ? f->device_path : "";
	size_t dl = strlen(dp);
	int is_pb = dl > 3 && strcmp(dp + dl - 3, ".pb") == 0;
	char *buf = NULL;
	size_t len = 0;
	int cut = 0, rc;
	crash c;

	tr_file_display(f, disp, sizeof disp);
	rc = read_head(ctx, src, f, is_pb ? TOMB_MAX_PB : TOMB_MAX_TEXT, &buf, &len, &cut);
	if (rc != TR_OK)
		return tr_artifact_problem(ctx, disp, rc);
	memset(&c, 0, sizeof c);
	c.pid = c.tid = c.uid = -1;
	if (is_pb) {
		if (cut)
			tr_incomplete(ctx, disp, "protobuf tombstone larger than %u MiB: read cut",
			              TOMB_MAX_PB >> 20);
		if (!parse_pb((const unsigned char *)buf, len, &c)) {
			tr_warn(ctx, disp, "not a protobuf tombstone; skipped");
			free(buf);
			return TR_OK;
		}
	} else {
		parse_text(buf, len, &c);
		if (c.pid < 0 && c.uid < 0 && !c.process[0]) {
			tr_warn(ctx, disp, "no pid or uid line: not a tombstone; skipped");
			free(buf);
			return TR_OK;
		}
	}
	free(buf);
	return emit_crash(ctx, m, f, &c);
}

const tr_module tr_module_tombstones = {
	.name = "tombstones",
	.description = "Android native crash reports (tombstones, text and protobuf): crashed "
	               "processes, privileged crashes",
	.wants = tombstone_wants,
	.run = tombstones_run,
};
