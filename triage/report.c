/*
 * report.c - tr_report(): the terminal summary, timeline.csv and the
 * output folder (report.json, timeline.csv, modules/<name>.json).
 *
 * Formats: docs/report-format.md. The reporter only formats: levels come
 * from the matcher, the verdict from the core (ctx->verdict), the finding
 * order from tr_findings_sort(). Output is a pure function of the context
 * (no wall-clock time), so a rerun on the same evidence gives the same
 * bytes.
 *
 * The output folder is the user's, but what goes into it is shaped by the
 * evidence, and the folder may already hold files (a previous report, or
 * a planted symlink). Every file is therefore opened relative to a
 * directory fd, with O_NOFOLLOW, checked to be a regular file with one
 * link before it is truncated, and left with mode 0600.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"

/* ----------------------------------------------------------- verdict */

const char *tr_report_verdict_name(enum tr_verdict v)
{
	switch (v) {
	case TR_VERDICT_CLEAN: return "clean";
	case TR_VERDICT_SUSPICIOUS: return "suspicious";
	case TR_VERDICT_INFECTED: return "infected";
	}
	return "unknown";
}

static int cmp_pstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int tr_report_malware(const tr_ctx *ctx, const char ***names, size_t *n)
{
	const char **v;
	size_t k = 0, w = 0;
	*names = NULL;
	*n = 0;
	if (!ctx->nfindings)
		return TR_OK;
	v = malloc(ctx->nfindings * sizeof *v);
	if (!v)
		return TR_ENOMEM;
	for (size_t i = 0; i < ctx->nfindings; i++) {
		const tr_finding *f = &ctx->findings[i];
		/* Only what makes the verdict "infected" names a malware: a
		 * medium mention or signature is a lead, not a known trace. */
		if (f->kind != TR_FIND_HEURISTIC && f->level <= TR_LEVEL_HIGH && f->malware &&
		    f->malware[0])
			v[k++] = f->malware;
	}
	qsort(v, k, sizeof *v, cmp_pstr);
	for (size_t i = 0; i < k; i++)
		if (w == 0 || strcmp(v[w - 1], v[i]) != 0)
			v[w++] = v[i];
	if (!w) {
		free(v);
		return TR_OK;
	}
	*names = v;
	*n = w;
	return TR_OK;
}

static const char S_SUSPICIOUS[] =
        "Suspicious signs only: no known indicator matched what the device recorded, but "
        "heuristics fired or published indicators appear in raw data. An expert should "
        "review them.";
static const char S_CLEAN[] = "No known indicators found.";
static const char S_CAVEAT[] =
        "This does not prove the device is clean: only published indicators and known "
        "traces were checked.";
static const char S_INCOMPLETE_CLEAN[] =
        "The scan was INCOMPLETE: no known indicator was found in what could be checked, "
        "but parts of the evidence could not be checked, so this is not a clean result.";
static const char S_INCOMPLETE_MORE[] =
        "The scan was INCOMPLETE: parts of the evidence could not be checked, so there may "
        "be more.";

/* Short label of the terminal verdict line. An incomplete clean scan is
 * never called clean. */
static const char *verdict_label(const tr_ctx *ctx)
{
	switch (ctx->verdict) {
	case TR_VERDICT_INFECTED: return "INFECTED";
	case TR_VERDICT_SUSPICIOUS: return "SUSPICIOUS";
	case TR_VERDICT_CLEAN: return ctx->incomplete.n ? "INCOMPLETE" : "CLEAN";
	}
	return "UNKNOWN";
}

/* The sentences of the verdict: s[0] the verdict (malloc'ed for
 * infected, in *own), s[1] the caveat, s[2] the incomplete statement;
 * absent ones are NULL. */
static int verdict_sentences(const tr_ctx *ctx, const char *s[3], char **own)
{
	static const char pre[] =
	        "Indicators of compromise found: this device shows known traces of ";
	const char **names;
	size_t n, len;
	char *t;

	s[0] = s[1] = s[2] = NULL;
	*own = NULL;
	switch (ctx->verdict) {
	case TR_VERDICT_INFECTED:
		if (tr_report_malware(ctx, &names, &n) != TR_OK)
			return TR_ENOMEM;
		len = sizeof pre + 32;
		for (size_t i = 0; i < n; i++)
			len += strlen(names[i]) + 2;
		t = malloc(len);
		if (!t) {
			free(names);
			return TR_ENOMEM;
		}
		strcpy(t, pre);
		if (!n)
			strcat(t, "an unnamed threat");
		for (size_t i = 0; i < n; i++) {
			if (i)
				strcat(t, ", ");
			strcat(t, names[i]);
		}
		strcat(t, ".");
		free(names);
		s[0] = *own = t;
		break;
	case TR_VERDICT_SUSPICIOUS: s[0] = S_SUSPICIOUS; break;
	case TR_VERDICT_CLEAN:
	default:
		if (ctx->incomplete.n) {
			s[0] = S_INCOMPLETE_CLEAN;
			s[1] = S_CAVEAT;
			return TR_OK;
		}
		s[0] = S_CLEAN;
		s[1] = S_CAVEAT;
		return TR_OK;
	}
	if (ctx->incomplete.n)
		s[2] = S_INCOMPLETE_MORE;
	return TR_OK;
}

char *tr_report_verdict_text(const tr_ctx *ctx)
{
	const char *s[3];
	char *own, *t;
	size_t len = 1;
	if (verdict_sentences(ctx, s, &own) != TR_OK)
		return NULL;
	for (int i = 0; i < 3; i++)
		if (s[i])
			len += strlen(s[i]) + 1;
	t = malloc(len);
	if (t) {
		t[0] = '\0';
		for (int i = 0; i < 3; i++) {
			if (!s[i])
				continue;
			if (t[0])
				strcat(t, " ");
			strcat(t, s[i]);
		}
	}
	free(own);
	return t;
}

/* ---------------------------------------------------------- terminal */

/* Invisible or direction-changing characters that could make a value
 * look like something else on screen. */
static int is_format_char(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || cp == 0x061C;
}

void tr_report_term_str(FILE *out, const char *s, size_t maxchars)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, chars = 0;
	if (!s)
		return;
	n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = tr_report_utf8_seq(p + i, n - i, &cp);
		if (maxchars && chars == maxchars) {
			fputs("...", out);
			return;
		}
		chars++;
		if (l == 0) {
			fprintf(out, "\\x%02x", p[i]);
			i++;
			continue;
		}
		if (cp < 0x20 || cp == 0x7F)
			fprintf(out, "\\x%02x", (unsigned)cp);
		else if ((cp >= 0x80 && cp <= 0x9F) || is_format_char(cp))
			fprintf(out, "\\u%04x", (unsigned)cp);
		else
			fwrite(p + i, 1, l, out);
		i += l;
	}
}

/* Labels of the usual evidence keys, in display order; other keys follow
 * under their own name. */
static const struct {
	const char *key, *label;
} info_labels[] = {
	{ "collector", "Evidence kind" },
	{ "path", "Evidence" },
	{ "product_type", "Device model" },
	{ "ios_version", "iOS version" },
	{ "build", "Build" },
	{ "backup_date", "Backup date" },
	{ "encrypted", "Encrypted" },
	{ "snapshot_state", "Snapshot state" },
	{ "backup_tool", "Backup tool" },
};
#define N_INFO_LABELS (sizeof info_labels / sizeof info_labels[0])

static void term_line(FILE *out, const char *label, const char *value, size_t max)
{
	fprintf(out, "%-15s ", label);
	tr_report_term_str(out, value, max);
	fputc('\n', out);
}

static void write_header(tr_ctx *ctx, FILE *out)
{
	fprintf(out, "spytriage %s - spyware triage report\n", SPYTRIAGE_VERSION);
	for (size_t i = 0; i < N_INFO_LABELS; i++) {
		const char *v = tr_get_info(ctx, info_labels[i].key);
		if (v) {
			char lab[32];
			snprintf(lab, sizeof lab, "%s:", info_labels[i].label);
			term_line(out, lab, v, 0);
		}
	}
	for (size_t i = 0; i < ctx->info_keys.n && i < ctx->info_vals.n; i++) {
		const char *k = ctx->info_keys.v[i];
		size_t j;
		for (j = 0; j < N_INFO_LABELS; j++)
			if (strcmp(k, info_labels[j].key) == 0)
				break;
		if (j < N_INFO_LABELS)
			continue;
		tr_report_term_str(out, k, 64);
		fputs(": ", out);
		tr_report_term_str(out, ctx->info_vals.v[i], 0);
		fputc('\n', out);
	}
}

static int write_verdict(tr_ctx *ctx, FILE *out)
{
	const char *s[3];
	char *own;
	if (verdict_sentences(ctx, s, &own) != TR_OK)
		return TR_ENOMEM;
	/* The malware names in s[0] come from indicator files: escaped too. */
	fprintf(out, "\nVERDICT: %s - ", verdict_label(ctx));
	tr_report_term_str(out, s[0], 0);
	fputc('\n', out);
	if (s[1])
		fprintf(out, "%s\n", s[1]);
	if (s[2])
		fprintf(out, "%s\n", s[2]);
	free(own);
	if (ctx->incomplete.n) {
		fprintf(out, "Why the scan is incomplete (%zu):\n", ctx->incomplete.n);
		for (size_t i = 0; i < ctx->incomplete.n; i++) {
			if (i == TR_REPORT_TERM_PER_LEVEL) {
				fprintf(out, "  ... and %zu more - see report.json\n",
				        ctx->incomplete.n - i);
				break;
			}
			fputs("  - ", out);
			tr_report_term_str(out, ctx->incomplete.v[i], TR_REPORT_TERM_VALUE_CHARS);
			fputc('\n', out);
		}
	}
	return TR_OK;
}

static void write_finding(FILE *out, const tr_finding *f, size_t num)
{
	char tbuf[64];
	const size_t max = TR_REPORT_TERM_VALUE_CHARS;

	fprintf(out, "  %zu. [%s] ", num, tr_level_name(f->level));
	tr_report_term_str(out, f->module, 64);
	fputs(": ", out);
	if (f->area && f->area[0]) {
		tr_report_term_str(out, f->area, max);
		fputc('/', out);
	}
	tr_report_term_str(out, f->relpath, max);
	fputc('\n', out);

	tr_time_format(f->time, tbuf, sizeof tbuf);
	fprintf(out, "     Time:      %s", tbuf[0] ? tbuf : "time unknown");
	if (f->event && f->event[0]) {
		fputs(" (event: ", out);
		tr_report_term_str(out, f->event, 64);
		fputc(')', out);
	}
	fputc('\n', out);

	if (f->kind == TR_FIND_HEURISTIC) {
		fputs("     Heuristic: ", out);
		tr_report_term_str(out, f->heuristic, 64);
		fputc('\n', out);
		if (f->explanation && f->explanation[0]) {
			fputs("                ", out);
			tr_report_term_str(out, f->explanation, 0);
			fputc('\n', out);
		}
	} else {
		fputs(f->kind == TR_FIND_SIGNATURE ? "     Signature: "
		      : f->kind == TR_FIND_MENTION ? "     Mention:   "
		                                   : "     Indicator: ",
		      out);
		tr_report_term_str(out, f->ioc_type, 64);
		fputs(" \"", out);
		tr_report_term_str(out, f->ioc_value, max);
		fputc('"', out);
		if (f->malware && f->malware[0]) {
			fputs(" of ", out);
			tr_report_term_str(out, f->malware, 64);
		}
		if ((f->source && f->source[0]) || (f->how && f->how[0])) {
			fputs(" (", out);
			if (f->source && f->source[0]) {
				fputs("from ", out);
				tr_report_term_str(out, f->source, max);
			}
			if (f->how && f->how[0]) {
				fputs(f->source && f->source[0] ? ", match: " : "match: ", out);
				tr_report_term_str(out, f->how, 64);
			}
			fputc(')', out);
		}
		fputc('\n', out);
		if (f->explanation && f->explanation[0]) {
			fputs("                ", out);
			tr_report_term_str(out, f->explanation, 0);
			fputc('\n', out);
		}
	}

	if (f->matched) {
		fputs("     Found:     ", out);
		if (f->field && f->field[0]) {
			tr_report_term_str(out, f->field, 64);
			fputs(" = ", out);
		}
		fputc('"', out);
		tr_report_term_str(out, f->matched, max);
		fputs("\"\n", out);
	} else if (f->nrecord) {
		/* Heuristics name no single field: show the record they read. */
		size_t n = f->nrecord < 4 ? f->nrecord : 4;
		fputs("     Record:    ", out);
		for (size_t i = 0; i < n; i++) {
			if (i)
				fputs("; ", out);
			tr_report_term_str(out, f->record[i].key, 64);
			fputs(" = \"", out);
			tr_report_term_str(out, f->record[i].value, max);
			fputc('"', out);
		}
		if (f->nrecord > n)
			fprintf(out, "; (%zu more fields in report.json)", f->nrecord - n);
		fputc('\n', out);
	}
}

static void write_findings(tr_ctx *ctx, FILE *out)
{
	size_t count[5] = { 0 };
	for (size_t i = 0; i < ctx->nfindings; i++) {
		unsigned l = (unsigned)ctx->findings[i].level;
		count[l < 5 ? l : 4]++;
	}
	if (!ctx->nfindings)
		fputs("\nFindings: none\n", out);
	else
		fprintf(out, "\nFindings: %zu critical, %zu high, %zu medium, %zu low, %zu info\n",
		        count[0], count[1], count[2], count[3], count[4]);
	if (ctx->dropped_findings)
		fprintf(out,
		        "(%zu more findings beyond the limit of %u were counted but not kept)\n",
		        ctx->dropped_findings, TR_MAX_FINDINGS);

	for (unsigned l = 0; l < 5; l++) {
		size_t shown = 0;
		char up[16];
		const char *name;
		if (!count[l])
			continue;
		name = tr_level_name((enum tr_level)l);
		for (size_t i = 0; name[i] && i + 1 < sizeof up; i++) {
			up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
			up[i + 1] = '\0';
		}
		fprintf(out, "\n%s (%zu)\n", up, count[l]);
		for (size_t i = 0; i < ctx->nfindings; i++) {
			const tr_finding *f = &ctx->findings[i];
			unsigned fl = (unsigned)f->level < 5 ? (unsigned)f->level : 4;
			if (fl != l)
				continue;
			if (shown == TR_REPORT_TERM_PER_LEVEL) {
				fprintf(out, "  ... and %zu more - see report.json\n",
				        count[l] - shown);
				break;
			}
			write_finding(out, f, ++shown);
		}
	}
}

static void write_list(FILE *out, const char *title, const tr_strlist *l, size_t max)
{
	if (!l->n)
		return;
	fprintf(out, "\n%s (%zu):\n", title, l->n);
	for (size_t i = 0; i < l->n; i++) {
		if (i == max) {
			fprintf(out, "  ... and %zu more - see report.json\n", l->n - i);
			break;
		}
		fputs("  - ", out);
		tr_report_term_str(out, l->v[i], TR_REPORT_TERM_VALUE_CHARS);
		fputc('\n', out);
	}
}

static void write_statistics(tr_ctx *ctx, FILE *out)
{
	fputs("\nStatistics:\n", out);
	fprintf(out, "  Files seen: %llu, read: %llu (%llu bytes); records: %llu\n",
	        (unsigned long long)ctx->files_seen, (unsigned long long)ctx->files_read,
	        (unsigned long long)ctx->bytes_read, (unsigned long long)ctx->records);
	fprintf(out, "  Modules run (%zu):", ctx->modules_run.n);
	for (size_t i = 0; i < ctx->modules_run.n; i++) {
		fputs(i ? ", " : " ", out);
		tr_report_term_str(out, ctx->modules_run.v[i], 64);
	}
	fputc('\n', out);
	fprintf(out, "  Indicators loaded: %zu\n",
	        ctx->iocs ? tr_iocs_count(ctx->iocs) : (size_t)0);
	if (ctx->iocs) {
		tr_report_sources t;
		if (tr_report_ioc_sources(ctx, &t) == TR_OK) {
			for (size_t i = 0; i < t.n; i++) {
				fputs("    ", out);
				tr_report_term_str(out, t.name[i], TR_REPORT_TERM_VALUE_CHARS);
				fprintf(out, ": %llu\n", (unsigned long long)t.count[i]);
			}
			tr_report_sources_free(&t);
		}
	}
	fprintf(out, "  Rule packs (%zu):", ctx->rule_packs.n);
	for (size_t i = 0; i < ctx->rule_packs.n; i++) {
		fputs(i ? ", " : " ", out);
		tr_report_term_str(out, ctx->rule_packs.v[i], 64);
	}
	if (ctx->yara)
		fprintf(out, " (%zu rules)", tr_yara_rule_count(ctx->yara));
	fputc('\n', out);
}

int tr_report_write_text(tr_ctx *ctx, FILE *out, const char *report_dir)
{
	write_header(ctx, out);
	if (write_verdict(ctx, out) != TR_OK)
		return tr_set_error(ctx, TR_ENOMEM, "report: out of memory");
	write_findings(ctx, out);
	write_list(out, "Warnings", &ctx->warnings, TR_REPORT_TERM_WARNINGS);
	write_list(out, "Notes", &ctx->notes, TR_REPORT_TERM_NOTES);
	write_statistics(ctx, out);
	if (report_dir) {
		fputs("\nFull report: ", out);
		tr_report_term_str(out, report_dir, 0);
		fputs(" (report.json, timeline.csv, modules/)\n", out);
	}
	if (fflush(out) != 0 || ferror(out))
		return tr_set_error(ctx, TR_EIO, "stdout: write failed: %s", strerror(errno));
	return TR_OK;
}

/* -------------------------------------------------------------- CSV */

/* A growing buffer; oom sticks. */
struct buf {
	char *p;
	size_t n, cap;
	int oom;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 4096;
		char *np;
		while (ncap < b->n + n + 1)
			ncap *= 2;
		np = realloc(b->p, ncap);
		if (!np) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* One CSV field: valid UTF-8, a leading ' when a spreadsheet would read
 * it as a formula (= + - @, and TAB/CR which some apps strip before
 * looking), quoted when it holds a comma, quote, CR or LF. */
static void csv_field(struct buf *b, const char *s, int last)
{
	char *c = tr_report_utf8_clean(s ? s : "");
	int quote;
	if (!c) {
		b->oom = 1;
		return;
	}
	quote = strpbrk(c, ",\"\r\n") != NULL;
	if (quote)
		buf_add(b, "\"", 1);
	if (c[0] && strchr("=+-@\t\r", c[0]))
		buf_add(b, "'", 1);
	for (const char *p = c; *p; p++) {
		if (*p == '"')
			buf_add(b, "\"\"", 2);
		else
			buf_add(b, p, 1);
	}
	if (quote)
		buf_add(b, "\"", 1);
	buf_add(b, last ? "\r\n" : ",", last ? 2 : 1);
	free(c);
}

struct tl_ent {
	double time;
	size_t idx;
};

static int cmp_tl(const void *pa, const void *pb)
{
	const struct tl_ent *a = pa, *b = pb;
	int ha = TR_HAS_TIME(a->time), hb = TR_HAS_TIME(b->time);
	if (ha != hb)
		return ha ? -1 : 1;
	if (ha && a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

int tr_report_timeline_csv(const tr_ctx *ctx, char **out, size_t *len)
{
	struct buf b = { 0 };
	struct tl_ent *ord = NULL;
	static const char header[] = "time,level,module,artifact,event,indicator_type,"
	                             "indicator_value,malware,heuristic,matched_value\r\n";

	*out = NULL;
	*len = 0;
	if (ctx->nfindings) {
		ord = malloc(ctx->nfindings * sizeof *ord);
		if (!ord)
			return TR_ENOMEM;
	}
	for (size_t i = 0; i < ctx->nfindings; i++) {
		char tb[64];
		/* A time tr_time_format cannot print sorts as unknown. */
		ord[i].time = tr_time_format(ctx->findings[i].time, tb, sizeof tb)[0]
		                      ? ctx->findings[i].time
		                      : TR_NOTIME;
		ord[i].idx = i;
	}
	if (ctx->nfindings)
		qsort(ord, ctx->nfindings, sizeof *ord, cmp_tl);

	buf_add(&b, header, sizeof header - 1);
	for (size_t k = 0; k < ctx->nfindings; k++) {
		const tr_finding *f = &ctx->findings[ord[k].idx];
		char tb[64], *art;
		size_t alen = strlen(f->area ? f->area : "") +
		              strlen(f->relpath ? f->relpath : "") + 2;
		tr_time_format(f->time, tb, sizeof tb);
		art = malloc(alen);
		if (!art) {
			b.oom = 1;
			break;
		}
		if (f->area && f->area[0])
			snprintf(art, alen, "%s/%s", f->area, f->relpath ? f->relpath : "");
		else
			snprintf(art, alen, "%s", f->relpath ? f->relpath : "");
		csv_field(&b, tb, 0);
		csv_field(&b, tr_level_name(f->level), 0);
		csv_field(&b, f->module, 0);
		csv_field(&b, art, 0);
		csv_field(&b, f->event, 0);
		csv_field(&b, f->kind == TR_FIND_HEURISTIC ? NULL : f->ioc_type, 0);
		csv_field(&b, f->kind == TR_FIND_HEURISTIC ? NULL : f->ioc_value, 0);
		csv_field(&b, f->malware, 0);
		csv_field(&b, f->heuristic, 0);
		csv_field(&b, f->matched, 1);
		free(art);
	}
	free(ord);
	if (b.oom) {
		free(b.p);
		return TR_ENOMEM;
	}
	*out = b.p;
	*len = b.n;
	return TR_OK;
}

/* ------------------------------------------------------- output files */

void tr_report_module_file(const char *module, char *buf, size_t len)
{
	size_t n = 0;
	const char *m = module ? module : "";
	for (; m[n] && n < 64 && n + 6 < len; n++) {
		char c = m[n];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		         (c >= '0' && c <= '9') || c == '_' || c == '-' || (c == '.' && n > 0);
		buf[n] = ok ? c : '_';
	}
	if (n == 0 && len > 1)
		buf[n++] = '_';
	snprintf(buf + n, len - n, ".json");
}

/* Writes buf to name inside dfd; display is "<dir>/<name>" for errors. */
static int write_file(tr_ctx *ctx, int dfd, const char *display, const char *name, const char *buf,
                      size_t len)
{
	struct stat st;
	int fd, flags;
	/* Not O_TRUNC: truncate only after checking that the path is our own
	 * kind of file (a planted hard link or FIFO must not be clobbered or
	 * block us). O_NONBLOCK keeps a FIFO from blocking the open. */
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
	if (fd < 0) {
		if (errno == ELOOP)
			return tr_set_error(ctx, TR_EEXISTS,
			                    "%s: is a symbolic link; refusing to write through it",
			                    display);
		return tr_set_error(ctx, TR_EIO, "%s: cannot create: %s", display, strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return tr_set_error(ctx, TR_EIO, "%s: %s", display, strerror(e));
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink > 1) {
		close(fd);
		return tr_set_error(ctx, TR_EEXISTS,
		                    "%s: exists and is not a plain file of its own; refusing to "
		                    "overwrite it",
		                    display);
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 || ftruncate(fd, 0) != 0 ||
	    fchmod(fd, 0600) != 0) {
		int e = errno;
		close(fd);
		return tr_set_error(ctx, TR_EIO, "%s: %s", display, strerror(e));
	}
	if (tr_write_all(fd, buf, len) != 0) {
		int e = errno;
		close(fd);
		return tr_set_error(ctx, TR_EIO, "%s: write failed: %s", display, strerror(e));
	}
	if (close(fd) != 0)
		return tr_set_error(ctx, TR_EIO, "%s: write failed: %s", display, strerror(errno));
	return TR_OK;
}

/* Creates (0700) or opens the folder name under dfd (AT_FDCWD: a path),
 * refusing a non-directory. A user-given output path may be a symlink to
 * a folder; the modules/ folder inside it may not. */
static int open_dir(tr_ctx *ctx, int dfd, const char *name, const char *display, int nofollow,
                    int *out)
{
	int fd;
	if (mkdirat(dfd, name, 0700) != 0 && errno != EEXIST)
		return tr_set_error(ctx, TR_EIO, "%s: cannot create the output folder: %s", display,
		                    strerror(errno));
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0) {
		if (errno == ENOTDIR || errno == ELOOP)
			return tr_set_error(
			        ctx, TR_EEXISTS,
			        "%s: exists and is not a directory; refusing to write the "
			        "report there",
			        display);
		return tr_set_error(ctx, TR_EIO, "%s: cannot open the output folder: %s", display,
		                    strerror(errno));
	}
	*out = fd;
	return TR_OK;
}

static int dump_to(tr_ctx *ctx, int dfd, const char *dir, const char *name, const json_t *v)
{
	size_t len, dlen = strlen(dir) + strlen(name) + 2;
	char *s = tr_report_json_dump(v, &len), *display = malloc(dlen);
	int rc;
	if (!s || !display) {
		free(s);
		free(display);
		return tr_set_error(ctx, TR_ENOMEM, "%s/%s: out of memory", dir, name);
	}
	snprintf(display, dlen, "%s/%s", dir, name);
	rc = write_file(ctx, dfd, display, name, s, len);
	free(s);
	free(display);
	return rc;
}

/* Module names that get a file: those that ran and those with findings,
 * sorted and unique (borrowed strings). */
static int module_names(const tr_ctx *ctx, const char ***out, size_t *n)
{
	size_t k = 0, w = 0, cap = ctx->modules_run.n + ctx->nfindings;
	const char **v;
	*out = NULL;
	*n = 0;
	if (!cap)
		return TR_OK;
	v = malloc(cap * sizeof *v);
	if (!v)
		return TR_ENOMEM;
	for (size_t i = 0; i < ctx->modules_run.n; i++)
		v[k++] = ctx->modules_run.v[i];
	for (size_t i = 0; i < ctx->nfindings; i++)
		v[k++] = ctx->findings[i].module ? ctx->findings[i].module : "";
	qsort(v, k, sizeof *v, cmp_pstr);
	for (size_t i = 0; i < k; i++)
		if (w == 0 || strcmp(v[w - 1], v[i]) != 0)
			v[w++] = v[i];
	*out = v;
	*n = w;
	return TR_OK;
}

static int write_modules(tr_ctx *ctx, int dfd, const char *dir, const json_t *report)
{
	const json_t *findings = json_object_get(report, "findings");
	const char **names;
	size_t n, mlen = strlen(dir) + sizeof "/modules";
	char *mdir = malloc(mlen);
	int rc, mfd = -1;

	if (!mdir)
		return tr_set_error(ctx, TR_ENOMEM, "%s/modules: out of memory", dir);
	snprintf(mdir, mlen, "%s/modules", dir);
	rc = module_names(ctx, &names, &n);
	if (rc != TR_OK) {
		free(mdir);
		return tr_set_error(ctx, rc, "%s: out of memory", dir);
	}
	rc = open_dir(ctx, dfd, "modules", mdir, 1, &mfd);
	for (size_t m = 0; rc == TR_OK && m < n; m++) {
		json_t *o = json_object(), *a = json_array();
		char fname[80];
		int bad = !o || !a;
		/* The finding objects are shared with report.json (refcounted),
		 * so both files hold exactly the same objects. */
		for (size_t i = 0; !bad && i < ctx->nfindings; i++) {
			const char *fm = ctx->findings[i].module ? ctx->findings[i].module : "";
			if (strcmp(fm, names[m]) == 0)
				bad |= json_array_append(a, json_array_get(findings, i));
		}
		if (!bad) {
			char *clean = tr_report_utf8_clean(names[m]);
			json_t *js = clean ? json_string(clean) : NULL;
			free(clean);
			bad |= !js || json_object_set_new(o, "module", js);
			bad |= json_object_set(o, "findings", a);
			bad |= json_object_set_new(o, "count",
			                           json_integer((json_int_t)json_array_size(a)));
		}
		json_decref(a);
		if (bad) {
			json_decref(o);
			rc = tr_set_error(ctx, TR_ENOMEM, "%s: out of memory", mdir);
			break;
		}
		tr_report_module_file(names[m], fname, sizeof fname);
		rc = dump_to(ctx, mfd, mdir, fname, o);
		json_decref(o);
	}
	if (mfd >= 0)
		close(mfd);
	free(names);
	free(mdir);
	return rc;
}

static int write_outputs(tr_ctx *ctx, const json_t *report)
{
	const char *dir = ctx->opts.output_dir;
	char *csv = NULL, *display = NULL;
	size_t csvlen, dlen = strlen(dir) + sizeof "/timeline.csv";
	int dfd = -1, rc;

	rc = open_dir(ctx, AT_FDCWD, dir, dir, 0, &dfd);
	if (rc != TR_OK)
		return rc;
	rc = dump_to(ctx, dfd, dir, "report.json", report);
	if (rc == TR_OK) {
		display = malloc(dlen);
		rc = tr_report_timeline_csv(ctx, &csv, &csvlen);
		if (rc != TR_OK || !display)
			rc = tr_set_error(ctx, TR_ENOMEM, "%s/timeline.csv: out of memory", dir);
	}
	if (rc == TR_OK) {
		snprintf(display, dlen, "%s/timeline.csv", dir);
		rc = write_file(ctx, dfd, display, "timeline.csv", csv, csvlen);
	}
	if (rc == TR_OK)
		rc = write_modules(ctx, dfd, dir, report);
	free(csv);
	free(display);
	close(dfd);
	return rc;
}

/* ------------------------------------------------------------- entry */

int tr_report(tr_ctx *ctx)
{
	json_t *report = NULL;
	char errsave[sizeof ctx->errmsg];
	int rc, rc_out = TR_OK;

	rc = tr_report_build_json(ctx, &report);
	if (rc != TR_OK)
		return rc;
	/* Files first, so the summary can point at them; a failure there is
	 * returned, but the summary is still printed: the verdict matters
	 * more than the folder. */
	if (ctx->opts.output_dir)
		rc_out = write_outputs(ctx, report);
	memcpy(errsave, ctx->errmsg, sizeof errsave);

	if (ctx->opts.format_json) {
		size_t len;
		char *s = tr_report_json_dump(report, &len);
		if (!s)
			rc = tr_set_error(ctx, TR_ENOMEM, "report: out of memory");
		else if (fwrite(s, 1, len, stdout) != len || fflush(stdout) != 0)
			rc = tr_set_error(ctx, TR_EIO, "stdout: write failed: %s", strerror(errno));
		free(s);
	} else {
		rc = tr_report_write_text(
		        ctx, stdout,
		        ctx->opts.output_dir && rc_out == TR_OK ? ctx->opts.output_dir : NULL);
	}
	if (rc_out != TR_OK && rc != TR_OK) {
		/* Both failed: keep the output-folder error, the first one. */
		ctx->err = rc_out;
		memcpy(ctx->errmsg, errsave, sizeof errsave);
	}
	json_decref(report);
	return rc_out != TR_OK ? rc_out : rc;
}
