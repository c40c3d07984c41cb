/*
 * report_text.c - the terminal summary (docs/report-format.md, "Terminal
 * summary").
 *
 * Every evidence-controlled string goes through tr_report_term_str(), so a
 * hostile backup cannot drive the terminal; long lists and values are cut
 * (TR_REPORT_TERM_*) and left whole to report.json. Rendered into memory
 * (open_memstream): the library never writes to stdout; the CLI prints
 * the buffer.
 *
 * The words of the summary are in the report language (TR_(), i18n.h;
 * docs/translations.md); what comes from the evidence, the indicator files
 * and the modules' identifiers is printed as it is. A heuristic's
 * explanation is looked up in the catalogue by its English text (the
 * modules pass literals, which po/make-pot.sh collects).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "exposure.h"
#include "report.h"

/* Short label of the terminal verdict line. An incomplete clean scan is
 * never called clean. */
static const char *verdict_label(const tr_ctx *ctx)
{
	switch (ctx->verdict) {
	case TR_VERDICT_INFECTED: return TR_("INFECTED");
	case TR_VERDICT_SUSPICIOUS: return TR_("SUSPICIOUS");
	case TR_VERDICT_CLEAN: return ctx->incomplete.n ? TR_("INCOMPLETE") : TR_("CLEAN");
	}
	return TR_("UNKNOWN");
}

/* Labels of the keys the core sets; the collector's follow in its own
 * order (tr_collector.info), then any other key under its own name. */
static const tr_info_field core_fields[] = {
	{ "collector", TR_N_("Evidence kind") },
	{ "path", TR_N_("Evidence") },
	{ "evidence_date", TR_N_("Evidence date") },
	{ NULL, NULL },
};

/* Columns a label takes on a terminal, about: UTF-8 code points, less the
 * marks that combine with the letter before them (Devanagari's vowel
 * signs, virama, nukta... : Unicode category Mn), so that a translated
 * label lines up like an English one. */
static size_t label_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), w = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		size_t len = tr_report_utf8_seq(p + i, n - i, &cp);
		if (!len) {
			len = 1;
			cp = '?';
		}
		i += len;
		if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0900 && cp <= 0x0902) ||
		    cp == 0x093A || cp == 0x093C || (cp >= 0x0941 && cp <= 0x0948) ||
		    cp == 0x094D || (cp >= 0x0951 && cp <= 0x0957) || cp == 0x0962 ||
		    cp == 0x0963 || cp == 0x200C || cp == 0x200D)
			continue;
		w++;
	}
	return w;
}

/* label (translated, ours), padded to width columns. */
static void put_label(FILE *out, const char *label, size_t width)
{
	size_t w = label_width(label);
	fputs(label, out);
	for (; w < width; w++)
		fputc(' ', out);
}

static void term_line(FILE *out, const char *label, const char *value, size_t max)
{
	put_label(out, label, 15);
	fputc(' ', out);
	tr_report_term_str(out, value, max);
	fputc('\n', out);
}

static const char *label_of(const tr_info_field *fields, const char *key)
{
	for (size_t i = 0; fields && fields[i].key; i++)
		if (strcmp(fields[i].key, key) == 0)
			return fields[i].label;
	return NULL;
}

static void write_fields(tr_ctx *ctx, FILE *out, const tr_info_field *fields)
{
	for (size_t i = 0; fields && fields[i].key; i++) {
		const char *v = tr_get_info(ctx, fields[i].key);
		if (v) {
			char lab[128];
			snprintf(lab, sizeof lab, "%s:", TR_(fields[i].label));
			term_line(out, lab, v, 0);
		}
	}
}

static void write_header(tr_ctx *ctx, FILE *out)
{
	fprintf(out, TR_("spytriage %s - spyware triage report"), SPYTRIAGE_VERSION);
	fputc('\n', out);
	write_fields(ctx, out, core_fields);
	write_fields(ctx, out, ctx->info_fields);
	for (size_t i = 0; i < ctx->info_keys.n && i < ctx->info_vals.n; i++) {
		const char *k = ctx->info_keys.v[i];
		if (label_of(core_fields, k) || label_of(ctx->info_fields, k))
			continue;
		tr_report_term_str(out, k, 64);
		fputs(": ", out);
		tr_report_term_str(out, ctx->info_vals.v[i], 0);
		fputc('\n', out);
	}
}

/* What the scan could check (report.json "coverage" has the details), so
 * that "nothing found" is never read as "clean" where nothing could be
 * looked at. */
static void write_coverage(const tr_ctx *ctx, FILE *out)
{
	static const char *const head[] = { TR_N_("Checked: "), TR_N_("Could not be read: "),
		                            TR_N_("Not in this evidence: "),
		                            TR_N_("Not checkable with this kind of evidence: ") };
	tr_cov cov[32];
	size_t n = tr_report_coverage(ctx, cov, sizeof cov / sizeof cov[0]);

	if (n > sizeof cov / sizeof cov[0])
		n = sizeof cov / sizeof cov[0];
	if (!tr_get_info(ctx, "collector"))
		return; /* no scan (a report of nothing) */
	for (int s = TR_COV_CHECKED; s <= TR_COV_NOT_CHECKABLE; s++) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			if ((int)cov[i].status != s)
				continue;
			fputs(k++ ? (s == TR_COV_NOT_CHECKABLE ? "; " : ", ") : TR_(head[s]), out);
			fputs(TR_(cov[i].area->name), out);
			if (s == TR_COV_NOT_CHECKABLE && cov[i].why) {
				fputs(" (", out);
				tr_report_term_str(out, TR_(cov[i].why), TR_REPORT_TERM_VALUE_CHARS);
				fputc(')', out);
			}
		}
		if (k)
			fputs(".\n", out);
	}
}

/* "  ... and N more - see report.json" */
static void more_line(FILE *out, size_t n)
{
	fputs("  ", out);
	fprintf(out, TR_("... and %zu more - see report.json"), n);
	fputc('\n', out);
}

/* "     Label:     " of a finding's lines: 5 blanks, the label and its
 * colon padded to 11 columns. */
static void finding_label(FILE *out, const char *label)
{
	char lab[128];
	snprintf(lab, sizeof lab, "%s:", label);
	fputs("     ", out);
	put_label(out, lab, 11);
}

static int write_verdict(tr_ctx *ctx, FILE *out)
{
	const char *s[3];
	char *own;
	if (tr_report_verdict_sentences(ctx, s, &own) != TR_OK)
		return TR_ENOMEM;
	/* The malware names in s[0] come from indicator files: escaped too. */
	fprintf(out, "\n%s: %s - ", TR_("VERDICT"), verdict_label(ctx));
	tr_report_term_str(out, s[0], 0);
	fputc('\n', out);
	if (s[1])
		fprintf(out, "%s\n", s[1]);
	if (s[2])
		fprintf(out, "%s\n", s[2]);
	free(own);
	write_coverage(ctx, out);
	if (ctx->incomplete.n) {
		fprintf(out, TR_("Why the scan is incomplete (%zu):"), ctx->incomplete.n);
		fputc('\n', out);
		for (size_t i = 0; i < ctx->incomplete.n; i++) {
			if (i == TR_REPORT_TERM_PER_LEVEL) {
				more_line(out, ctx->incomplete.n - i);
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
	finding_label(out, TR_("Time"));
	fputs(tbuf[0] ? tbuf : TR_("time unknown"), out);
	if (f->event && f->event[0]) {
		fprintf(out, " (%s: ", TR_("event"));
		tr_report_term_str(out, f->event, 64);
		fputc(')', out);
	}
	fputc('\n', out);

	if (f->kind == TR_FIND_HEURISTIC) {
		finding_label(out, TR_("Heuristic"));
		tr_report_term_str(out, f->heuristic, 64);
		fputc('\n', out);
		if (f->explanation && f->explanation[0]) {
			fputs("                ", out);
			tr_report_term_str(out, TR_(f->explanation), 0);
			fputc('\n', out);
		}
	} else {
		finding_label(out, f->kind == TR_FIND_SIGNATURE ? TR_("Signature")
		                   : f->kind == TR_FIND_MENTION ? TR_("Mention")
		                                                : TR_("Indicator"));
		tr_report_term_str(out, f->ioc_type, 64);
		fputs(" \"", out);
		tr_report_term_str(out, f->ioc_value, max);
		fputc('"', out);
		if (f->malware && f->malware[0]) {
			fprintf(out, " %s ", TR_("of"));
			tr_report_term_str(out, f->malware, 64);
		}
		if ((f->source && f->source[0]) || (f->how && f->how[0])) {
			fputs(" (", out);
			if (f->source && f->source[0]) {
				fprintf(out, "%s ", TR_("from"));
				tr_report_term_str(out, f->source, max);
			}
			if (f->how && f->how[0]) {
				fprintf(out, "%s%s: ", f->source && f->source[0] ? ", " : "",
				        TR_("match"));
				tr_report_term_str(out, f->how, 64);
			}
			fputc(')', out);
		}
		fputc('\n', out);
		if (f->explanation && f->explanation[0]) {
			fputs("                ", out);
			tr_report_term_str(out, TR_(f->explanation), 0);
			fputc('\n', out);
		}
	}

	if (f->matched) {
		finding_label(out, TR_("Found"));
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
		finding_label(out, TR_("Record"));
		for (size_t i = 0; i < n; i++) {
			if (i)
				fputs("; ", out);
			tr_report_term_str(out, f->record[i].key, 64);
			fputs(" = \"", out);
			tr_report_term_str(out, f->record[i].value, max);
			fputc('"', out);
		}
		if (f->nrecord > n)
			fprintf(out, TR_("; (%zu more fields in report.json)"), f->nrecord - n);
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
	fputc('\n', out);
	if (!ctx->nfindings)
		fputs(TR_("Findings: none"), out);
	else
		fprintf(out, TR_("Findings: %zu critical, %zu high, %zu medium, %zu low, %zu info"),
		        count[0], count[1], count[2], count[3], count[4]);
	fputc('\n', out);
	if (ctx->dropped_findings) {
		fprintf(out,
		        TR_("(%zu more findings beyond the limit of %u were counted but not kept)"),
		        ctx->dropped_findings, TR_MAX_FINDINGS);
		fputc('\n', out);
	}

	/* The headings of the levels, in tr_level order. */
	static const char *const heading[5] = { TR_N_("CRITICAL"), TR_N_("HIGH"),
		                                TR_N_("MEDIUM"), TR_N_("LOW"), TR_N_("INFO") };
	for (unsigned l = 0; l < 5; l++) {
		size_t shown = 0;
		if (!count[l])
			continue;
		fprintf(out, "\n%s (%zu)\n", TR_(heading[l]), count[l]);
		for (size_t i = 0; i < ctx->nfindings; i++) {
			const tr_finding *f = &ctx->findings[i];
			unsigned fl = (unsigned)f->level < 5 ? (unsigned)f->level : 4;
			if (fl != l)
				continue;
			if (shown == TR_REPORT_TERM_PER_LEVEL) {
				more_line(out, count[l] - shown);
				break;
			}
			write_finding(out, f, ++shown);
		}
	}
}

/* Version history lines shown in the terminal (the rest: report.json). */
#define TERM_VERSIONS 20

/* "Exposure to known exploits": one line per chain with its verdict and
 * reason, what decided it and its sources for an exposed chain, and the
 * findings that name the chain (docs/exposure.md); then the version
 * history. */
static void write_exposure(tr_ctx *ctx, FILE *out)
{
	const tr_expo_result *res;
	size_t nc, nv, nix, *ix;
	const tr_expo_chain *ch = tr_exposure_chains(ctx, &nc, &res);
	const tr_version_obs *vers = tr_versions(ctx, &nv);

	if (nc) {
		fprintf(out, "\n%s (%zu):\n", TR_("Exposure to known exploits"), nc);
		fputs(TR_("  Exposure is information: a phone can be exposed and never attacked."),
		      out);
		fputc('\n', out);
	}
	for (size_t c = 0; c < nc; c++) {
		const tr_expo_chain *x = &ch[c];
		size_t shown = 0;
		fputs("  - ", out);
		tr_report_term_str(out, tr_report_chain_title(x), 0);
		fprintf(out, " [%s, %s]: ", x->first, x->last);
		fputs(tr_report_expo_verdict(x->verdict), out);
		fputs(" - ", out);
		fputs(TR_(x->reason), out);
		fputc('\n', out);
		if (x->verdict == TR_EXPO_EXPOSED && x->decided != TR_EXPO_NONE &&
		    res[x->decided].why < nv) {
			const tr_version_obs *o = &vers[res[x->decided].why];
			fputs("      ", out);
			fprintf(out, TR_("seen: %s %s at %s (%s); fixed in %s"), o->component,
			        o->version, o->time, o->source, res[x->decided].row->fixed);
			fputc('\n', out);
			fprintf(out, "      %s ", TR_("Sources:"));
			tr_report_term_str(out, res[x->decided].row->sources, 0);
			fputc('\n', out);
		}
		for (size_t i = 0; i < ctx->nfindings; i++) {
			const tr_finding *f = &ctx->findings[i];
			const char *cid = tr_report_finding_chain(f);
			if (!cid || strcmp(cid, x->id) != 0)
				continue;
			if (!shown++) {
				fputs("      ", out);
				fputs(TR_("Findings of this chain:"), out);
				fputc('\n', out);
			}
			fprintf(out, "        [%s] ", tr_level_name(f->level));
			tr_report_term_str(out, f->heuristic ? f->heuristic : f->ioc_value,
			                   TR_REPORT_TERM_VALUE_CHARS);
			fputc('\n', out);
		}
	}
	ix = tr_report_versions_by_time(ctx, &nix);
	if (nix) {
		fprintf(out, "\n%s (%zu):\n", TR_("Version history"), nix);
		for (size_t i = 0; i < nix; i++) {
			const tr_version_obs *o = &vers[ix[i]];
			if (i == TERM_VERSIONS) {
				more_line(out, nix - i);
				break;
			}
			fputs("  ", out);
			tr_report_term_str(out, o->time, 40);
			fputs("  ", out);
			tr_report_term_str(out, o->component, 40);
			fputc(' ', out);
			tr_report_term_str(out, o->version, 40);
			if (o->flags & TR_VERSION_SINCE)
				fprintf(out, " %s",
				        (o->flags & TR_VERSION_FIRST) ? TR_("(first installed then)")
				                                      : TR_("(installed or updated then)"));
			fputs("  (", out);
			tr_report_term_str(out, o->source, TR_REPORT_TERM_VALUE_CHARS);
			fputs(")\n", out);
		}
	}
	free(ix);
}

static void write_list(FILE *out, const char *title, const tr_strlist *l, size_t max)
{
	if (!l->n)
		return;
	fprintf(out, "\n%s (%zu):\n", TR_(title), l->n);
	for (size_t i = 0; i < l->n; i++) {
		if (i == max) {
			more_line(out, l->n - i);
			break;
		}
		fputs("  - ", out);
		tr_report_term_str(out, l->v[i], TR_REPORT_TERM_VALUE_CHARS);
		fputc('\n', out);
	}
}

static void write_modules(const tr_ctx *ctx, FILE *out);

static void write_statistics(tr_ctx *ctx, FILE *out)
{
	fprintf(out, "\n%s:\n  ", TR_("Statistics"));
	fprintf(out, TR_("Files seen: %llu, read: %llu (%llu bytes); records: %llu"),
	        (unsigned long long)ctx->files_seen, (unsigned long long)ctx->files_read,
	        (unsigned long long)ctx->bytes_read, (unsigned long long)ctx->records);
	fputs("\n  ", out);
	fprintf(out, TR_("Modules run (%zu):"), ctx->modules_run.n);
	for (size_t i = 0; i < ctx->modules_run.n; i++) {
		fputs(i ? ", " : " ", out);
		tr_report_term_str(out, ctx->modules_run.v[i], 64);
	}
	fputc('\n', out);
	write_modules(ctx, out);
	fputs("  ", out);
	fprintf(out, TR_("Indicators loaded: %zu"), ctx->iocs ? tr_iocs_count(ctx->iocs) : (size_t)0);
	fputc('\n', out);
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
	fputs("  ", out);
	fprintf(out, TR_("Rule packs (%zu):"), ctx->rule_packs.n);
	for (size_t i = 0; i < ctx->rule_packs.n; i++) {
		fputs(i ? ", " : " ", out);
		tr_report_term_str(out, ctx->rule_packs.v[i], 64);
	}
	if (ctx->yara)
		fprintf(out, TR_(" (%zu rules)"), tr_yara_rule_count(ctx->yara));
	fputc('\n', out);
	/* which indicators were checked: a reader must be able to tell an
	 * old pack from a current one */
	for (size_t i = 0; i < ctx->npacks; i++) {
		const tr_pack *p = &ctx->packs[i];
		fputs("    ", out);
		tr_report_term_str(out, p->name, 64);
		fputs(": ", out);
		fprintf(out, TR_("version %lu, %s, %zu indicators, manifest SHA-256 %.16s..."),
		        p->version, *p->date ? p->date : TR_("no date"), p->indicators,
		        p->manifest_sha256);
		if (p->unverified)
			fprintf(out, ", %s", TR_("UNVERIFIED (see the warnings)"));
		else if (p->key_id)
			fprintf(out, TR_(", signed by key %s"), p->key_id);
		fputc('\n', out);
	}
}

/* One line per module that was handed an artifact or emitted a record
 * (what it read, its time range, its findings), then the modules that
 * found nothing to read, on one line. */
static void write_modules(const tr_ctx *ctx, FILE *out)
{
	tr_modrow *rows;
	size_t n, absent = 0;
	if (tr_report_modules(ctx, &rows, &n) != TR_OK || !n) {
		free(rows);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		static const tr_modstat none = { .first = TR_NOTIME, .last = TR_NOTIME };
		const tr_modstat *st = rows[i].st ? rows[i].st : &none;
		char t0[64] = "", t1[64] = "";
		if (!strcmp(tr_modrow_status(&rows[i]), "absent")) {
			absent++;
			continue;
		}
		fputs("    ", out);
		tr_report_term_str(out, rows[i].name, 64);
		fprintf(out, ": %s, %llu artifact%s", tr_modrow_status(&rows[i]),
		        (unsigned long long)st->artifacts, st->artifacts == 1 ? "" : "s");
		if (st->failed)
			fprintf(out, " (%llu failed)", (unsigned long long)st->failed);
		fprintf(out, ", %llu record%s", (unsigned long long)st->records,
		        st->records == 1 ? "" : "s");
		tr_time_format(st->first, t0, sizeof t0);
		tr_time_format(st->last, t1, sizeof t1);
		if (t0[0])
			fprintf(out, ", %s to %s", t0, t1);
		fprintf(out, ", %llu finding%s\n", (unsigned long long)rows[i].findings,
		        rows[i].findings == 1 ? "" : "s");
	}
	if (absent) {
		size_t k = 0;
		fprintf(out, "    No artifact in this evidence (%zu):", absent);
		for (size_t i = 0; i < n; i++) {
			if (strcmp(tr_modrow_status(&rows[i]), "absent"))
				continue;
			fputs(k++ ? ", " : " ", out);
			tr_report_term_str(out, rows[i].name, 64);
		}
		fputc('\n', out);
	}
	free(rows);
}

static int write_text(tr_ctx *ctx, FILE *out, const char *report_dir)
{
	write_header(ctx, out);
	if (write_verdict(ctx, out) != TR_OK)
		return TR_ENOMEM;
	write_findings(ctx, out);
	write_exposure(ctx, out);
	write_list(out, TR_N_("Warnings"), &ctx->warnings, TR_REPORT_TERM_WARNINGS);
	write_list(out, TR_N_("Notes"), &ctx->notes, TR_REPORT_TERM_NOTES);
	write_statistics(ctx, out);
	if (report_dir) {
		fprintf(out, "\n%s: ", TR_("Full report"));
		tr_report_term_str(out, report_dir, 0);
		fputs(" (report.html to read, report.json, timeline.csv, modules/)\n", out);
	}
	return TR_OK;
}

int tr_report_text(tr_ctx *ctx, char **buf, size_t *len)
{
	/* A summary that points at a folder the write did not fill would
	 * send the user to a missing or stale report. */
	const char *dir = ctx->opts.output_dir && ctx->report_written ? ctx->opts.output_dir : NULL;
	char *p = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&p, &n);
	int rc;

	*buf = NULL;
	*len = 0;
	if (!out)
		return tr_set_error(ctx, TR_ENOMEM, "report: out of memory");
	rc = write_text(ctx, out, dir);
	/* A memory stream fails only when it cannot grow. */
	if (ferror(out))
		rc = TR_ENOMEM;
	if (fclose(out) != 0)
		rc = TR_ENOMEM;
	if (rc != TR_OK) {
		free(p);
		return tr_set_error(ctx, TR_ENOMEM, "report: out of memory");
	}
	*buf = p;
	*len = n;
	return TR_OK;
}
