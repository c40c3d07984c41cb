/*
 * report_html.c - report.html, the page a helpdesk hands over to the
 * person whose phone it is (docs/report-format.md, "report.html").
 *
 * One self-contained file: the CSS is inline and allowed by its SHA-256
 * in a strict Content-Security-Policy meta tag (default-src 'none'), the
 * timeline picture is inline SVG, and there is no script, no form, no
 * image, no font and no link that loads anything: the page reads the same
 * with or without JavaScript, offline, and prints to PDF (print CSS).
 * Addresses of help desks are text, never links; evidence values are
 * never links either.
 *
 * Every string that the evidence, an indicator file or a pack controls
 * goes through ev(): first the redaction layer (tr_redact_dup, redact.c),
 * then HTML escaping (& < > " ' as entities) and the terminal's policy
 * for what cannot be shown safely: C0 controls and DEL as \xNN, bytes that
 * are not UTF-8 as \xNN, C1 controls and invisible or direction-changing
 * characters (RTL overrides...) as \uNNNN, each value isolated in <bdi>
 * so a right-to-left value cannot reorder the text around it. The
 * sentences of the page are the program's own, wrapped in TR_() for
 * translation, and escaped too (a translation is text, not markup).
 *
 * Like every reporter, a pure function of the context: no wall clock, no
 * host, no output path; numbers in the SVG are integers (no locale can
 * turn them into "1,5"). Lists are cut (TR_HTML_* below) and left whole
 * to report.json.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custody.h"
#include "i18n.h"
#include "exposure.h"
#include "report.h"

/* Bounds of the page (it is for reading; report.json has everything). */
#define TR_HTML_PER_LEVEL 200    /* findings listed per level */
#define TR_HTML_VALUE_CHARS 300  /* code points of one evidence value */
#define TR_HTML_RECORD_FIELDS 8  /* record fields shown per finding */
#define TR_HTML_LIST 50          /* warnings, notes, incomplete reasons */
#define TR_HTML_SVG_FINDINGS 500 /* findings drawn in the timeline */
#define TR_HTML_BINS 60          /* bars of the activity histogram */

/* ------------------------------------------------------------ buffer */

struct hb {
	char *p;
	size_t n, cap;
	int oom;
};

static void put(struct hb *b, const void *s, size_t n)
{
	if (b->oom || !n)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		char *q;
		while (cap < b->n + n + 1) {
			if (cap > SIZE_MAX / 2) {
				b->oom = 1;
				return;
			}
			cap *= 2;
		}
		if (!(q = realloc(b->p, cap))) {
			b->oom = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* Markup and trusted text (the program's own). */
static void raw(struct hb *b, const char *s)
{
	put(b, s, strlen(s));
}

static void rawf(struct hb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rawf(struct hb *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ---------------------------------------------------------- escaping */

/* Invisible or direction-changing characters (as report_common.c). */
static int is_format_char(uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || cp == 0x061C;
}

/* s escaped for HTML text and attribute values; at most maxchars code
 * points (0: no limit), then an ellipsis. */
static void esc(struct hb *b, const char *s, size_t maxchars)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), chars = 0, i = 0, start = 0;

	/* Runs of plain bytes are copied at once. */
	while (i < n) {
		uint32_t cp;
		size_t l;
		const char *rep = NULL;
		char e[16];

		if (maxchars && chars == maxchars) {
			put(b, p + start, i - start);
			raw(b, "\xe2\x80\xa6"); /* U+2026 */
			return;
		}
		chars++;
		l = tr_report_utf8_seq(p + i, n - i, &cp);
		if (l == 0) {
			snprintf(e, sizeof e, "\\x%02x", p[i]);
			rep = e;
			l = 1;
		} else if (cp < 0x20 || cp == 0x7F) {
			snprintf(e, sizeof e, "\\x%02x", (unsigned)cp);
			rep = e;
		} else if ((cp >= 0x80 && cp <= 0x9F) || is_format_char(cp)) {
			snprintf(e, sizeof e, "\\u%04x", (unsigned)cp);
			rep = e;
		} else if (cp == '&') {
			rep = "&amp;";
		} else if (cp == '<') {
			rep = "&lt;";
		} else if (cp == '>') {
			rep = "&gt;";
		} else if (cp == '"') {
			rep = "&quot;";
		} else if (cp == '\'') {
			rep = "&#39;";
		}
		if (rep) {
			put(b, p + start, i - start);
			raw(b, rep);
			start = i + l;
		}
		i += l;
	}
	put(b, p + start, n - start);
}

/* The program's sentence (translated): escaped, no limit. */
static void tx(struct hb *b, const char *s)
{
	esc(b, s, 0);
}

/* The program's sentence with numbers or dates (fmt from TR_() or
 * tr_ngettext(), checked against its English by the format_arg
 * attribute and by msgfmt -c): formatted, then escaped. */
static void txf(struct hb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void txf(struct hb *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	esc(b, tmp, 0);
}

/* An evidence-controlled value: redacted (redact.c), escaped, cut at
 * maxchars, isolated (bidi) from the text around it. */
static void ev(struct hb *b, const tr_ctx *ctx, const char *s, size_t maxchars)
{
	char *r;
	if (!s)
		return;
	r = tr_redact_dup(ctx, s);
	if (!r) {
		b->oom = 1;
		return;
	}
	raw(b, "<bdi>");
	esc(b, r, maxchars);
	raw(b, "</bdi>");
	free(r);
}

/* ---------------------------------------------------------------- CSS */

/* Allowed by its hash in the CSP (no 'unsafe-inline'): so the page has no
 * style attribute anywhere, and the SVG uses classes. */
static const char css[] =
        "body{font-family:system-ui,'Segoe UI',Roboto,'Noto Sans',"
        "'Noto Sans Devanagari',sans-serif;line-height:1.45;color:#1b1b1b;background:#fff;"
        "max-width:60rem;margin:0 auto;padding:1rem}"
        "h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:2rem;"
        "border-bottom:2px solid #ccc;padding-bottom:.2rem}h3{font-size:1.05rem;margin:1.2rem 0 "
        ".4rem}"
        ".banner{border-radius:.5rem;padding:1rem 1.2rem;margin:1rem 0;border:3px solid}"
        ".banner .label{font-size:1.9rem;font-weight:700;letter-spacing:.05em;margin:0}"
        ".banner p{margin:.4rem 0}"
        ".v-infected{background:#fde8e8;border-color:#b3261e;color:#5c0d09}"
        ".v-suspicious{background:#fff4d6;border-color:#a15c00;color:#4a2b00}"
        ".v-clean{background:#e6f4ea;border-color:#1e7a3a;color:#0b3b1a}"
        ".v-incomplete{background:#ececec;border-color:#555;color:#222}"
        "nav ul{padding-left:1.2rem;columns:2}"
        "table{border-collapse:collapse;width:100%;margin:.5rem 0}"
        "th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:left;vertical-align:top}"
        "th{background:#f3f3f3;font-weight:600}"
        "code,.mono{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.9em;"
        "overflow-wrap:anywhere}"
        ".f{border:1px solid #ccc;border-left:.5rem solid #999;border-radius:.3rem;"
        "padding:.5rem .8rem;margin:.6rem 0;break-inside:avoid}"
        ".f h4{margin:.1rem 0 .3rem;font-size:1rem}"
        ".f dl{display:grid;grid-template-columns:9rem 1fr;gap:.15rem .6rem;margin:.3rem 0}"
        ".f dt{font-weight:600;color:#444}.f dd{margin:0;overflow-wrap:anywhere}"
        ".meaning{margin:.3rem 0}"
        ".l-critical{border-left-color:#b3261e}.l-high{border-left-color:#d9480f}"
        ".l-medium{border-left-color:#b07d00}.l-low{border-left-color:#2f6db5}"
        ".l-info{border-left-color:#777}"
        ".tag{display:inline-block;border-radius:.25rem;padding:0 .35rem;font-size:.8rem;"
        "font-weight:700;color:#fff;background:#777;margin-right:.3rem}"
        ".t-critical{background:#b3261e}.t-high{background:#d9480f}.t-medium{background:#8a6100}"
        ".t-low{background:#2f6db5}.t-info{background:#666}"
        ".s-checked{color:#1e7a3a;font-weight:600}.s-failed{color:#b3261e;font-weight:600}"
        ".s-not_found{color:#555}.s-not_checkable{color:#a15c00;font-weight:600}"
        ".e-exposed{color:#a15c00;font-weight:600}.e-not_exposed{color:#1e7a3a}.e-unknown{color:#"
        "555}"
        ".note{background:#f6f6f6;border-left:4px solid #999;padding:.5rem .8rem}"
        "svg{width:100%;height:auto;border:1px solid #ddd;background:#fcfcfc}"
        "svg .bar{fill:#b9c3cf}svg .axis{stroke:#555;stroke-width:1}"
        "svg .grid{stroke:#e3e3e3;stroke-width:1}"
        "svg text{font-size:11px;fill:#333;font-family:system-ui,sans-serif}"
        "svg .d-critical{fill:#b3261e}svg .d-high{fill:#d9480f}svg .d-medium{fill:#b07d00}"
        "svg .d-low{fill:#2f6db5}svg .d-info{fill:#777}"
        "footer{margin-top:2.5rem;font-size:.85rem;color:#555;border-top:1px solid #ccc;"
        "padding-top:.5rem}"
        "@page{margin:14mm}"
        "@media print{body{max-width:none;padding:0;font-size:10pt}nav{display:none}"
        "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
        "h2{break-after:avoid}h3{break-after:avoid}.banner{break-inside:avoid}}";

static void base64(const uint8_t *d, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)d[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)d[i + 1] << 8;
		if (i + 2 < n)
			v |= d[i + 2];
		out[o++] = a[(v >> 18) & 63];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = i + 1 < n ? a[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
}

/* ------------------------------------------------------------- words */

static const char *level_title(unsigned l)
{
	switch (l) {
	case TR_LEVEL_CRITICAL: return TR_("Critical: known spyware traces");
	case TR_LEVEL_HIGH: return TR_("High: strong signs");
	case TR_LEVEL_MEDIUM: return TR_("Medium: signs an expert should review");
	case TR_LEVEL_LOW: return TR_("Low: weak signs");
	default: return TR_("Information only (not counted in the verdict)");
	}
}

static const char *level_advice(unsigned l)
{
	switch (l) {
	case TR_LEVEL_CRITICAL:
		return TR_("What to do: contact one of the help desks below before changing "
		           "anything on the phone, and keep this report folder.");
	case TR_LEVEL_HIGH:
		return TR_("What to do: ask an expert to confirm these before acting on them; keep "
		           "the phone as it is until then.");
	case TR_LEVEL_MEDIUM:
		return TR_(
		        "What to do: these are leads, not proof. An expert can tell whether they "
		        "matter for this person.");
	case TR_LEVEL_LOW:
		return TR_(
		        "What to do: nothing urgent. Mention them to an expert if there are other "
		        "reasons to worry.");
	default:
		return TR_("What to do: nothing. They describe the phone (for example a protection "
		           "that is on or off).");
	}
}

static const char *level_word(unsigned l)
{
	switch (l) {
	case TR_LEVEL_CRITICAL: return TR_("critical");
	case TR_LEVEL_HIGH: return TR_("high");
	case TR_LEVEL_MEDIUM: return TR_("medium");
	case TR_LEVEL_LOW: return TR_("low");
	default: return TR_("info");
	}
}

static int starts(const char *s, const char *pre)
{
	return s && strncmp(s, pre, strlen(pre)) == 0;
}

static int is_message_module(const char *m)
{
	return m && (!strcmp(m, "sms") || !strcmp(m, "whatsapp") || !strcmp(m, "sms_backup"));
}

/* What kind of finding it is, in a few words. */
static const char *kind_title(const tr_finding *f)
{
	const char *t = f->ioc_type;
	switch (f->kind) {
	case TR_FIND_HEURISTIC: return TR_("Heuristic (a pattern, not an indicator)");
	case TR_FIND_SIGNATURE: return TR_("Detection rule matched a file");
	case TR_FIND_MENTION: return TR_("Indicator found in raw file bytes only");
	case TR_FIND_INDICATOR: break;
	}
	if (starts(t, "process:"))
		return TR_("Known spyware process name");
	if (starts(t, "domain-name:") || starts(t, "url:") || starts(t, "ipv4-addr:"))
		return is_message_module(f->module) ? TR_("Link to a spyware server in a message")
		                                    : TR_("Address of a spyware server");
	if (starts(t, "email-addr:"))
		return TR_("E-mail account used in spyware attacks");
	if (starts(t, "file:hashes"))
		return TR_("File identical to a known spyware file");
	if (starts(t, "file:"))
		return TR_("File name or location of known spyware");
	if (starts(t, "app:cert"))
		return TR_("App signed with a spyware certificate");
	if (starts(t, "app:"))
		return TR_("Known spyware or stalkerware app");
	if (starts(t, "configuration-profile:"))
		return TR_("Known malicious configuration profile");
	if (starts(t, "android-property:name"))
		return TR_("System property set by spyware");
	return TR_("Published spyware indicator");
}

/* What it means, in plain words: a known spyware process is not a
 * visited domain, and a heuristic is not an indicator. */
static const char *meaning(const tr_finding *f)
{
	const char *t = f->ioc_type;
	switch (f->kind) {
	case TR_FIND_HEURISTIC:
		return TR_("This is not a published indicator: it is a pattern that spyware often "
		           "leaves, found by spytriage's own checks. Ordinary phones can show it "
		           "too, so it is not proof on its own; an expert can tell whether it "
		           "matters here.");
	case TR_FIND_SIGNATURE:
		return TR_("A detection rule written by researchers to recognise spyware matched "
		           "the contents of a file. A precise rule is a strong sign; an expert "
		           "should confirm it on the file named here.");
	case TR_FIND_MENTION:
		return TR_(
		        "A published indicator appears somewhere in the raw bytes of a file, but "
		        "not in a record the phone used (a message, a visit, a running "
		        "program). It can be a harmless copy, such as a cached news article or "
		        "a list: a lead for an expert, not proof.");
	case TR_FIND_INDICATOR: break;
	}
	if (starts(t, "process:"))
		return TR_("The phone recorded a program running under the name of a known spyware "
		           "process. Ordinary apps do not use these names: this is one of the "
		           "strongest signs that the phone was infected.");
	if (starts(t, "domain-name:") || starts(t, "url:") || starts(t, "ipv4-addr:")) {
		if (is_message_module(f->module))
			return TR_(
			        "A message on the phone contains a link to a server that "
			        "researchers have tied to spyware. It shows that someone tried "
			        "to attack this person; whether the link was opened and the attack "
			        "worked needs an expert.");
		return TR_("The phone recorded an address (a domain or web link) of a server that "
		           "researchers have tied to spyware, for example in its browsing "
		           "history or network records. It shows at least an attempt to infect "
		           "the phone.");
	}
	if (starts(t, "email-addr:"))
		return TR_("An e-mail address or account that researchers have tied to spyware "
		           "attacks appears in what the phone recorded, for example as the sender "
		           "of a message or an account the attack used.");
	if (starts(t, "file:hashes"))
		return TR_(
		        "A file on the phone is byte for byte the same as a known spyware file.");
	if (starts(t, "file:"))
		return TR_(
		        "A file with the name or at the location of known spyware is, or was, on "
		        "the phone.");
	if (starts(t, "app:cert"))
		return TR_("An app on the phone is signed with a certificate that researchers have "
		           "tied to spyware or stalkerware.");
	if (starts(t, "app:"))
		return TR_("An app with the identifier of known spyware or stalkerware is, or was, "
		           "installed. Stalkerware is often installed by someone with access to "
		           "the phone: think of the person's safety before removing it.");
	if (starts(t, "configuration-profile:"))
		return TR_("A configuration profile that researchers have tied to spyware was "
		           "installed on the phone. Profiles can change settings and watch "
		           "traffic.");
	if (starts(t, "android-property:name"))
		return TR_("A system property that researchers have tied to spyware is set on the "
		           "phone.");
	return TR_("A value that researchers have published as a trace of spyware was found in "
	           "what the phone recorded.");
}

/* ------------------------------------------------------------ header */

/* Labels of the keys the core sets (the terminal summary's). */
static const tr_info_field core_fields[] = {
	{ "collector", "Evidence kind" },
	{ "path", "Evidence" },
	{ "evidence_date", "Evidence date" },
	{ NULL, NULL },
};

static const char *label_of(const tr_info_field *fields, const char *key)
{
	for (size_t i = 0; fields && fields[i].key; i++)
		if (strcmp(fields[i].key, key) == 0)
			return fields[i].label;
	return NULL;
}

static void row(struct hb *b, const tr_ctx *ctx, const char *label, const char *value, int mono)
{
	raw(b, "<tr><th scope=\"row\">");
	tx(b, label);
	raw(b, mono ? "</th><td class=\"mono\">" : "</th><td>");
	ev(b, ctx, value, TR_HTML_VALUE_CHARS);
	raw(b, "</td></tr>\n");
}

static void row_count(struct hb *b, const char *label, uint64_t n)
{
	raw(b, "<tr><th scope=\"row\">");
	tx(b, label);
	rawf(b, "</th><td>%llu</td></tr>\n", (unsigned long long)n);
}

static void info_rows(struct hb *b, tr_ctx *ctx, const tr_info_field *fields)
{
	for (size_t i = 0; fields && fields[i].key; i++) {
		const char *v = tr_get_info(ctx, fields[i].key);
		if (v)
			row(b, ctx, TR_(fields[i].label), v, 0);
	}
}

static const char *verdict_class(const tr_ctx *ctx)
{
	switch (ctx->verdict) {
	case TR_VERDICT_INFECTED: return "v-infected";
	case TR_VERDICT_SUSPICIOUS: return "v-suspicious";
	case TR_VERDICT_CLEAN: break;
	}
	return ctx->incomplete.n ? "v-incomplete" : "v-clean";
}

static const char *verdict_label(const tr_ctx *ctx)
{
	switch (ctx->verdict) {
	case TR_VERDICT_INFECTED: return TR_("INFECTED: signs of spyware found");
	case TR_VERDICT_SUSPICIOUS: return TR_("SUSPICIOUS: an expert should look");
	case TR_VERDICT_CLEAN: break;
	}
	return ctx->incomplete.n ? TR_("INCOMPLETE: no result")
	                         : TR_("CLEAN: no known spyware traces found");
}

static const char *verdict_meaning(const tr_ctx *ctx)
{
	switch (ctx->verdict) {
	case TR_VERDICT_INFECTED:
		return TR_("The phone holds traces that researchers have published as belonging "
		           "to spyware. This is strong evidence; an expert should confirm it "
		           "before it is acted on publicly. Until then, assume that the phone and "
		           "its accounts may be watched: talk about this away from the phone, and "
		           "do not reset, update or wipe it (that would erase the evidence an "
		           "expert needs).");
	case TR_VERDICT_SUSPICIOUS:
		return TR_(
		        "Nothing matched a published spyware trace in what the phone recorded, "
		        "but some patterns that spyware often leaves were found. Ordinary phones "
		        "can show them too: they are leads for an expert, not proof of an "
		        "infection.");
	case TR_VERDICT_CLEAN: break;
	}
	if (ctx->incomplete.n)
		return TR_("Nothing was found in what could be checked, but parts of the evidence "
		           "could not be checked (the reasons are listed below). This is not a "
		           "clean result: make a new copy of the phone, or ask an expert.");
	return TR_("Nothing in what could be checked matched the published traces of known "
	           "spyware. This does not prove the phone is clean: new spyware leaves traces "
	           "nobody has published yet, and some parts of a phone are not in this kind of "
	           "evidence (see What could be checked). If the person still has reasons to "
	           "worry, an expert can look further.");
}

static int write_banner(struct hb *b, tr_ctx *ctx)
{
	const char *s[3];
	char *own;
	if (tr_report_verdict_sentences(ctx, s, &own) != TR_OK)
		return TR_ENOMEM;
	rawf(b, "<section class=\"banner %s\" id=\"verdict\">\n<p class=\"label\">",
	     verdict_class(ctx));
	tx(b, verdict_label(ctx));
	raw(b, "</p>\n");
	/* s[0] names malware from indicator files: evidence-grade text. */
	for (int i = 0; i < 3; i++) {
		if (!s[i])
			continue;
		raw(b, "<p>");
		if (i == 0 && own)
			ev(b, ctx, s[i], 0);
		else
			tx(b, TR_(s[i]));
		raw(b, "</p>\n");
	}
	free(own);
	raw(b, "<p><strong>");
	tx(b, TR_("What this means:"));
	raw(b, "</strong> ");
	tx(b, verdict_meaning(ctx));
	raw(b, "</p>\n</section>\n");
	return TR_OK;
}

static void write_nav(struct hb *b)
{
	static const struct {
		const char *id, *title;
	} sec[] = {
		{ "examined", TR_N_("What was examined") },
		{ "findings", TR_N_("Findings") },
		{ "exposure", TR_N_("Exposure to known exploits") },
		{ "timeline", TR_N_("Timeline") },
		{ "coverage", TR_N_("What could be checked") },
		{ "indicators", TR_N_("Indicators and rules used") },
		{ "next", TR_N_("Next steps and where to get help") },
	};
	raw(b, "<nav><ul>\n");
	for (size_t i = 0; i < sizeof sec / sizeof sec[0]; i++) {
		rawf(b, "<li><a href=\"#%s\">", sec[i].id);
		tx(b, TR_(sec[i].title));
		raw(b, "</a></li>\n");
	}
	raw(b, "</ul></nav>\n");
}

static void write_examined(struct hb *b, tr_ctx *ctx, const json_t *custody)
{
	const json_t *evj = json_object_get(custody, "evidence");
	const json_t *tool = json_object_get(custody, "tool");

	raw(b, "<section id=\"examined\">\n<h2>");
	tx(b, TR_("What was examined"));
	raw(b, "</h2>\n<table>\n");
	info_rows(b, ctx, core_fields);
	info_rows(b, ctx, ctx->info_fields);
	for (size_t i = 0; i < ctx->info_keys.n && i < ctx->info_vals.n; i++) {
		const char *k = ctx->info_keys.v[i];
		if (label_of(core_fields, k) || label_of(ctx->info_fields, k))
			continue;
		raw(b, "<tr><th scope=\"row\">");
		ev(b, ctx, k, 64);
		raw(b, "</th><td>");
		ev(b, ctx, ctx->info_vals.v[i], TR_HTML_VALUE_CHARS);
		raw(b, "</td></tr>\n");
	}
	row_count(b, TR_("Files seen"), ctx->files_seen);
	row_count(b, TR_("Files read"), ctx->files_read);
	row_count(b, TR_("Bytes read"), ctx->bytes_read);
	row_count(b, TR_("Records read"), ctx->records);
	if (json_is_object(evj)) {
		const char *lst = json_string_value(json_object_get(evj, "listing_sha256"));
		row_count(b, TR_("Evidence files hashed"),
		          (uint64_t)json_integer_value(json_object_get(evj, "files")));
		if (lst && *lst)
			row(b, ctx, TR_("SHA-256 of evidence.sha256 (the hash of every file)"), lst,
			    1);
	}
	if (json_is_object(tool)) {
		const char *ver = json_string_value(json_object_get(tool, "version"));
		const char *bld = json_string_value(json_object_get(tool, "build"));
		char v[160];
		snprintf(v, sizeof v, "spytriage %s (build %s)", ver ? ver : "", bld ? bld : "");
		row(b, ctx, TR_("Checked with"), v, 0);
	}
	raw(b, "</table>\n<p>");
	tx(b, TR_("evidence.sha256, in this folder, lists the SHA-256 of every evidence file "
	          "read; report.sha256 lists the SHA-256 of every file of this report, so anyone "
	          "can check that nothing was changed (spytriage verify-report)."));
	raw(b, "</p>\n</section>\n");
}

/* ---------------------------------------------------------- findings */

static void write_finding(struct hb *b, tr_ctx *ctx, const tr_finding *f)
{
	unsigned l = (unsigned)f->level < 5 ? (unsigned)f->level : TR_LEVEL_INFO;
	const char *ln = tr_level_name((enum tr_level)l);
	char tbuf[64];

	rawf(b, "<article class=\"f l-%s\">\n<h4><span class=\"tag t-%s\">", ln, ln);
	tx(b, level_word(l));
	raw(b, "</span>");
	tx(b, kind_title(f));
	if (f->kind != TR_FIND_HEURISTIC && f->malware && f->malware[0]) {
		raw(b, " &#8212; ");
		ev(b, ctx, f->malware, 64);
	}
	raw(b, "</h4>\n<p class=\"meaning\">");
	tx(b, meaning(f));
	raw(b, "</p>\n<dl>\n");

	tr_time_format(f->time, tbuf, sizeof tbuf);
	raw(b, "<dt>");
	tx(b, TR_("When"));
	raw(b, "</dt><dd>");
	if (tbuf[0])
		esc(b, tbuf, 0);
	else
		tx(b, TR_("time unknown"));
	if (f->event && f->event[0]) {
		raw(b, " (");
		ev(b, ctx, f->event, 64);
		raw(b, ")");
	}
	raw(b, "</dd>\n<dt>");
	tx(b, TR_("Where"));
	raw(b, "</dt><dd><code>");
	if (f->area && f->area[0]) {
		ev(b, ctx, f->area, TR_HTML_VALUE_CHARS);
		raw(b, "/");
	}
	ev(b, ctx, f->relpath, TR_HTML_VALUE_CHARS);
	raw(b, "</code> (");
	tx(b, TR_("module"));
	raw(b, " <code>");
	ev(b, ctx, f->module, 64);
	raw(b, "</code>)</dd>\n");

	if (f->kind == TR_FIND_HEURISTIC) {
		raw(b, "<dt>");
		tx(b, TR_("Check"));
		raw(b, "</dt><dd><code>");
		ev(b, ctx, f->heuristic, 64);
		raw(b, "</code></dd>\n");
		if (f->explanation && f->explanation[0]) {
			raw(b, "<dt>");
			tx(b, TR_("Why it fired"));
			raw(b, "</dt><dd>");
			/* Translated like the terminal summary's (report_text.c):
			 * looked up by its English text, kept as it is when the
			 * module built it at run time. */
			ev(b, ctx, TR_(f->explanation), 0);
			raw(b, "</dd>\n");
		}
	} else {
		raw(b, "<dt>");
		tx(b, f->kind == TR_FIND_SIGNATURE ? TR_("Rule") : TR_("Indicator"));
		raw(b, "</dt><dd><code>");
		ev(b, ctx, f->ioc_value, TR_HTML_VALUE_CHARS);
		raw(b, "</code> (");
		ev(b, ctx, f->ioc_type, 64);
		if (f->source && f->source[0]) {
			raw(b, "; ");
			tx(b, TR_("source"));
			raw(b, ": ");
			ev(b, ctx, f->source, TR_HTML_VALUE_CHARS);
		}
		if (f->how && f->how[0]) {
			raw(b, "; ");
			tx(b, TR_("match"));
			raw(b, ": ");
			ev(b, ctx, f->how, 64);
		}
		raw(b, ")</dd>\n");
		if (f->explanation && f->explanation[0]) {
			raw(b, "<dt>");
			tx(b, TR_("Rule says"));
			raw(b, "</dt><dd>");
			ev(b, ctx, f->explanation, 0);
			raw(b, "</dd>\n");
		}
	}
	if (f->matched) {
		raw(b, "<dt>");
		tx(b, TR_("Found"));
		raw(b, "</dt><dd><code>");
		if (f->field && f->field[0]) {
			ev(b, ctx, f->field, 64);
			raw(b, " = ");
		}
		ev(b, ctx, f->matched, TR_HTML_VALUE_CHARS);
		raw(b, "</code></dd>\n");
	} else if (f->nrecord) {
		size_t n = f->nrecord < TR_HTML_RECORD_FIELDS ? f->nrecord : TR_HTML_RECORD_FIELDS;
		raw(b, "<dt>");
		tx(b, TR_("Record"));
		raw(b, "</dt><dd><code>");
		for (size_t i = 0; i < n; i++) {
			if (i)
				raw(b, "; ");
			ev(b, ctx, f->record[i].key, 64);
			raw(b, " = ");
			ev(b, ctx, f->record[i].value, TR_HTML_VALUE_CHARS);
		}
		raw(b, "</code>");
		if (f->nrecord > n) {
			raw(b, " ");
			rawf(b, "(+%zu, report.json)", f->nrecord - n);
		}
		raw(b, "</dd>\n");
	}
	raw(b, "</dl>\n</article>\n");
}

static void write_findings(struct hb *b, tr_ctx *ctx)
{
	size_t count[5] = { 0 };
	for (size_t i = 0; i < ctx->nfindings; i++) {
		unsigned l = (unsigned)ctx->findings[i].level;
		count[l < 5 ? l : 4]++;
	}
	raw(b, "<section id=\"findings\">\n<h2>");
	tx(b, TR_("Findings"));
	raw(b, "</h2>\n<div class=\"note\"><p>");
	tx(b, TR_("Findings are grouped by strength, strongest first. Not every finding is "
	          "proof:"));
	raw(b, "</p>\n<ul>\n<li><strong>");
	tx(b, TR_("Indicator"));
	raw(b, "</strong>: ");
	tx(b, TR_("a value that researchers published as a trace of spyware (a server address, "
	          "a process name, an app) was found in what the phone recorded. A known spyware "
	          "process that ran is stronger than a link to a spyware server received in a "
	          "message, which shows an attack was tried."));
	raw(b, "</li>\n<li><strong>");
	tx(b, TR_("Detection rule"));
	raw(b, "</strong>: ");
	tx(b, TR_("a rule written to recognise spyware matched the bytes of a file."));
	raw(b, "</li>\n<li><strong>");
	tx(b, TR_("Heuristic"));
	raw(b, "</strong>: ");
	tx(b, TR_("a pattern that spyware often leaves; ordinary phones can show it too. It is "
	          "not an indicator and never makes the result INFECTED on its own."));
	raw(b, "</li>\n</ul></div>\n");

	if (!ctx->nfindings) {
		raw(b, "<p>");
		tx(b, TR_("No findings."));
		raw(b, "</p>\n");
	}
	if (ctx->dropped_findings) {
		raw(b, "<p>");
		tx(b, TR_("More findings than the report can keep were found; the rest were "
		          "counted but not kept:"));
		rawf(b, " %zu.</p>\n", ctx->dropped_findings);
	}
	for (unsigned l = 0; l < 5; l++) {
		size_t shown = 0;
		if (!count[l])
			continue;
		rawf(b, "<h3 id=\"level-%s\">", tr_level_name((enum tr_level)l));
		tx(b, level_title(l));
		rawf(b, " (%zu)</h3>\n<p>", count[l]);
		tx(b, level_advice(l));
		raw(b, "</p>\n");
		for (size_t i = 0; i < ctx->nfindings; i++) {
			const tr_finding *f = &ctx->findings[i];
			unsigned fl = (unsigned)f->level < 5 ? (unsigned)f->level : 4;
			if (fl != l)
				continue;
			if (shown == TR_HTML_PER_LEVEL) {
				raw(b, "<p>");
				tx(b, TR_("More findings of this level are in report.json:"));
				rawf(b, " %zu.</p>\n", count[l] - shown);
				break;
			}
			shown++;
			write_finding(b, ctx, f);
		}
	}
	raw(b, "</section>\n");
}

/* ---------------------------------------------------------- timeline */

/* The picture's geometry (SVG user units; integers only). */
enum {
	SVG_W = 1000,
	SVG_H = 250,
	PX0 = 60,
	PX1 = 980,
	LANE0 = 28,
	LANE_H = 18,
	BAR_TOP = 130,
	BAR_BOT = 210
};

static long xpos(double t, double lo, double hi)
{
	double r = hi > lo ? (t - lo) / (hi - lo) : 0.5;
	if (r < 0)
		r = 0;
	if (r > 1)
		r = 1;
	return PX0 + (long)(r * (PX1 - PX0) + 0.5);
}

static void date_of(double t, char out[16])
{
	char tb[64];
	tr_time_format(t, tb, sizeof tb);
	snprintf(out, 16, "%.10s", tb);
}

static void write_timeline(struct hb *b, tr_ctx *ctx)
{
	size_t nrec = tr_timeline_sort(ctx), nf = 0, untimed = 0, drawn = 0;
	size_t outside = 0, bins[TR_HTML_BINS] = { 0 }, maxbin = 0;
	double lo = 0, hi = 0;
	int have = 0;

	raw(b, "<section id=\"timeline\">\n<h2>");
	tx(b, TR_("Timeline"));
	raw(b, "</h2>\n");

	/* The activity's span: the records' times without the 1% at each
	 * end (placeholder dates such as 1970 or 2001 would squash the
	 * rest), then every finding's time. */
	if (nrec) {
		size_t cut = nrec / 100, a = 0, z = nrec - 1;
		double w;
		lo = tr_timeline_time(ctx, cut);
		hi = tr_timeline_time(ctx, nrec - 1 - cut);
		have = TR_HAS_TIME(lo) && TR_HAS_TIME(hi);
		/* then the records that are not far from that span (within
		 * its width, at least a day): the real first and last days
		 * are drawn, a placeholder decades away is not */
		w = hi - lo > 86400 ? hi - lo : 86400;
		while (have && a < cut && tr_timeline_time(ctx, a) < lo - w)
			a++;
		while (have && z > nrec - 1 - cut && tr_timeline_time(ctx, z) > hi + w)
			z--;
		if (have) {
			lo = tr_timeline_time(ctx, a);
			hi = tr_timeline_time(ctx, z);
		}
	}
	for (size_t i = 0; i < ctx->nfindings; i++) {
		char tb[64];
		double t = ctx->findings[i].time;
		if (!tr_time_format(t, tb, sizeof tb)[0]) {
			untimed++;
			continue;
		}
		nf++;
		if (!have) {
			lo = hi = t;
			have = 1;
		}
		if (t < lo)
			lo = t;
		if (t > hi)
			hi = t;
	}
	if (!have) {
		raw(b, "<p>");
		tx(b, TR_("Nothing in the evidence has a time, so there is no timeline to draw."));
		raw(b, "</p>\n</section>\n");
		return;
	}
	if (hi - lo < 86400) { /* at least a day wide */
		lo -= 43200;
		hi += 43200;
	}
	for (size_t i = 0; i < nrec; i++) {
		double t = tr_timeline_time(ctx, i);
		size_t k;
		if (!TR_HAS_TIME(t) || t < lo || t > hi) {
			outside++;
			continue;
		}
		k = (size_t)((t - lo) / (hi - lo) * TR_HTML_BINS);
		if (k >= TR_HTML_BINS)
			k = TR_HTML_BINS - 1;
		if (++bins[k] > maxbin)
			maxbin = bins[k];
	}

	raw(b, "<p>");
	tx(b, TR_("Grey bars: how many records the phone kept over time (messages, visits, app "
	          "and network use...), which shows the period the evidence covers. Dots: the "
	          "findings, one row per level, strongest at the top."));
	raw(b, "</p>\n");
	rawf(b,
	     "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" "
	     "aria-labelledby=\"tl-title\">\n<title id=\"tl-title\">",
	     SVG_W, SVG_H);
	tx(b, TR_("Findings against the activity recorded in the evidence"));
	raw(b, "</title>\n");
	/* lanes of findings, one per level */
	for (unsigned l = 0; l < 5; l++) {
		int y = LANE0 + (int)l * LANE_H;
		rawf(b, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", PX0, y,
		     PX1, y);
		rawf(b, "<text x=\"4\" y=\"%d\">", y + 4);
		tx(b, level_word(l));
		raw(b, "</text>\n");
	}
	/* the activity */
	for (size_t k = 0; k < TR_HTML_BINS && maxbin; k++) {
		long x0 = PX0 + (long)k * (PX1 - PX0) / TR_HTML_BINS;
		long x1 = PX0 + (long)(k + 1) * (PX1 - PX0) / TR_HTML_BINS;
		long h = (long)((uint64_t)bins[k] * (BAR_BOT - BAR_TOP) / maxbin);
		if (!bins[k])
			continue;
		if (h < 1)
			h = 1;
		rawf(b,
		     "<rect class=\"bar\" x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\">"
		     "<title>%zu</title></rect>\n",
		     x0, (long)BAR_BOT - h, x1 - x0 > 1 ? x1 - x0 - 1 : 1, h, bins[k]);
	}
	rawf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", PX0, BAR_BOT,
	     PX1, BAR_BOT);
	/* dates: both ends and three between */
	for (int k = 0; k <= 4; k++) {
		char d[16];
		long x = PX0 + (long)k * (PX1 - PX0) / 4;
		date_of(lo + (hi - lo) * k / 4, d);
		rawf(b, "<line class=\"axis\" x1=\"%ld\" y1=\"%d\" x2=\"%ld\" y2=\"%d\"/>", x,
		     BAR_BOT, x, BAR_BOT + 5);
		rawf(b, "<text x=\"%ld\" y=\"%d\" text-anchor=\"%s\">", x, BAR_BOT + 20,
		     k == 0   ? "start"
		     : k == 4 ? "end"
		              : "middle");
		esc(b, d, 0);
		raw(b, "</text>\n");
	}
	/* the findings, strongest drawn last (on top) */
	for (int l = 4; l >= 0; l--) {
		for (size_t i = 0; i < ctx->nfindings && drawn < TR_HTML_SVG_FINDINGS; i++) {
			const tr_finding *f = &ctx->findings[i];
			unsigned fl = (unsigned)f->level < 5 ? (unsigned)f->level : 4;
			char tb[64];
			if ((int)fl != l || !tr_time_format(f->time, tb, sizeof tb)[0])
				continue;
			drawn++;
			rawf(b, "<circle class=\"d-%s\" cx=\"%ld\" cy=\"%d\" r=\"5\"><title>",
			     tr_level_name((enum tr_level)fl), xpos(f->time, lo, hi),
			     LANE0 + (int)fl * LANE_H);
			esc(b, tb, 0);
			raw(b, " ");
			tx(b, kind_title(f));
			if (f->kind != TR_FIND_HEURISTIC && f->malware && f->malware[0]) {
				raw(b, " ");
				ev(b, ctx, f->malware, 64);
			}
			raw(b, "</title></circle>\n");
		}
	}
	raw(b, "</svg>\n<p>");
	{
		char a[16], z[16];
		date_of(lo, a);
		date_of(hi, z);
		txf(b, TR_("Period shown: %s to %s."), a, z);
		raw(b, " ");
		txf(b,
		    tr_ngettext("%zu record with a time.", "%zu records with a time.",
		                nrec - outside),
		    nrec - outside);
		raw(b, " ");
		txf(b, tr_ngettext("%zu finding with a time.", "%zu findings with a time.", nf),
		    nf);
	}
	if (outside) {
		raw(b, " ");
		txf(b,
		    tr_ngettext("%zu record has a time far from the rest (often a placeholder "
		                "date) and is not drawn.",
		                "%zu records have times far from the rest (often placeholder "
		                "dates) and are not drawn.",
		                outside),
		    outside);
	}
	if (untimed) {
		raw(b, " ");
		txf(b,
		    tr_ngettext("%zu finding has no time and is not drawn.",
		                "%zu findings have no time and are not drawn.", untimed),
		    untimed);
	}
	if (nf > drawn) {
		raw(b, " ");
		txf(b,
		    tr_ngettext("%zu more finding is not drawn (too many for the picture).",
		                "%zu more findings are not drawn (too many for the picture).",
		                nf - drawn),
		    nf - drawn);
	}
	raw(b, "</p>\n");
	if (!nrec) {
		raw(b, "<p>");
		tx(b, TR_("The activity is not shown: it is kept only when a report folder is "
		          "written."));
		raw(b, "</p>\n");
	}
	raw(b, "</section>\n");
}

/* ---------------------------------------------------------- coverage */

static const char *cov_words(enum tr_cov_status s)
{
	switch (s) {
	case TR_COV_CHECKED: return TR_("Checked");
	case TR_COV_FAILED: return TR_("Could not be read");
	case TR_COV_NOT_FOUND: return TR_("Not in this evidence");
	case TR_COV_NOT_CHECKABLE: return TR_("Not checkable with this kind of evidence");
	}
	return "";
}

/* ---------------------------------------------------------- exposure */

/* "Exposure to known exploits" (docs/exposure.md): a table of the chains
 * (verdict in plain words, why, what decided it, sources), the findings
 * that name a chain under it, and the version history. */
static void write_exposure(struct hb *b, tr_ctx *ctx)
{
	const tr_expo_result *res;
	size_t nc, nv, nix, *ix;
	const tr_expo_chain *ch = tr_exposure_chains(ctx, &nc, &res);
	const tr_version_obs *vers = tr_versions(ctx, &nv);

	raw(b, "<section id=\"exposure\">\n<h2>");
	tx(b, TR_("Exposure to known exploits"));
	raw(b, "</h2>\n<p>");
	tx(b,
	   TR_("Was this phone open to the exploit chains used in the wild during their "
	       "campaigns? Exposure is information: a phone can be exposed and never attacked."));
	raw(b, "</p>\n");
	if (nc) {
		raw(b, "<table>\n<tr><th>");
		tx(b, TR_("Exploit chain"));
		raw(b, "</th><th>");
		tx(b, TR_("Campaign window"));
		raw(b, "</th><th>");
		tx(b, TR_("Status"));
		raw(b, "</th><th>");
		tx(b, TR_("Why"));
		raw(b, "</th></tr>\n");
	}
	for (size_t c = 0; c < nc; c++) {
		const tr_expo_chain *x = &ch[c];
		size_t shown = 0;
		rawf(b, "<tr id=\"chain-%zu\"><td>", c);
		ev(b, ctx, tr_report_chain_title(x), TR_HTML_VALUE_CHARS);
		raw(b, "</td><td>");
		ev(b, ctx, x->first, 16);
		raw(b, " &ndash; ");
		ev(b, ctx, x->last, 16);
		rawf(b, "</td><td class=\"e-%s\">",
		     x->verdict == TR_EXPO_EXPOSED       ? "exposed"
		     : x->verdict == TR_EXPO_NOT_EXPOSED ? "not_exposed"
		                                         : "unknown");
		tx(b, tr_report_expo_verdict(x->verdict));
		raw(b, "</td><td>");
		tx(b, TR_(x->reason));
		if (x->decided != TR_EXPO_NONE && res[x->decided].why < nv) {
			const tr_version_obs *o = &vers[res[x->decided].why];
			raw(b, "<br>");
			txf(b, TR_("seen: %s %s at %s (%s); fixed in %s"), o->component, o->version,
			    o->time, o->source, res[x->decided].row->fixed);
		}
		raw(b, "<br>");
		tx(b, TR_("Sources:"));
		raw(b, " ");
		ev(b, ctx, res[x->row0].row->sources, 0);
		for (size_t i = 0; i < ctx->nfindings; i++) {
			const tr_finding *f = &ctx->findings[i];
			const char *cid = tr_report_finding_chain(f);
			if (!cid || strcmp(cid, x->id) != 0)
				continue;
			if (!shown++) {
				raw(b, "<br>");
				tx(b, TR_("Findings of this chain:"));
				raw(b, "<ul>");
			}
			rawf(b, "<li>[%s] ", tr_level_name(f->level));
			ev(b, ctx, f->heuristic ? f->heuristic : f->ioc_value, TR_HTML_VALUE_CHARS);
			if (f->explanation && *f->explanation) {
				raw(b, ": ");
				tx(b, TR_(f->explanation));
			}
			raw(b, "</li>");
		}
		if (shown)
			raw(b, "</ul>");
		raw(b, "</td></tr>\n");
	}
	if (nc)
		raw(b, "</table>\n");
	ix = tr_report_versions_by_time(ctx, &nix);
	raw(b, "<h3>");
	tx(b, TR_("Version history"));
	rawf(b, " (%zu)</h3>\n", nix);
	if (nix) {
		raw(b, "<table>\n<tr><th>");
		tx(b, TR_("Time"));
		raw(b, "</th><th>");
		tx(b, TR_("Component"));
		raw(b, "</th><th>");
		tx(b, TR_("Version"));
		raw(b, "</th><th>");
		tx(b, TR_("Source"));
		raw(b, "</th></tr>\n");
	} else {
		raw(b, "<p>");
		tx(b, TR_("The evidence showed no version of the system or of an app this check "
		          "knows."));
		raw(b, "</p>\n");
	}
	for (size_t i = 0; i < nix; i++) {
		const tr_version_obs *o = &vers[ix[i]];
		if (i == TR_HTML_LIST) {
			raw(b, "<tr><td colspan=\"4\">");
			tx(b, TR_("More in report.json:"));
			rawf(b, " %zu</td></tr>\n", nix - i);
			break;
		}
		raw(b, "<tr><td>");
		ev(b, ctx, o->time, 40);
		raw(b, "</td><td>");
		ev(b, ctx, o->component, 40);
		raw(b, "</td><td>");
		ev(b, ctx, o->version, 40);
		if (o->flags & TR_VERSION_SINCE) {
			raw(b, " ");
			tx(b, (o->flags & TR_VERSION_FIRST) ? TR_("(first installed then)")
			                                     : TR_("(installed or updated then)"));
		}
		raw(b, "</td><td>");
		ev(b, ctx, o->source, TR_HTML_VALUE_CHARS);
		raw(b, "</td></tr>\n");
	}
	if (nix)
		raw(b, "</table>\n");
	free(ix);
	raw(b, "</section>\n");
}

static void write_list(struct hb *b, tr_ctx *ctx, const char *title, const tr_strlist *l)
{
	if (!l->n)
		return;
	raw(b, "<h3>");
	tx(b, title);
	rawf(b, " (%zu)</h3>\n<ul>\n", l->n);
	for (size_t i = 0; i < l->n; i++) {
		if (i == TR_HTML_LIST) {
			raw(b, "<li>");
			tx(b, TR_("More in report.json:"));
			rawf(b, " %zu</li>\n", l->n - i);
			break;
		}
		raw(b, "<li>");
		ev(b, ctx, l->v[i], TR_HTML_VALUE_CHARS);
		raw(b, "</li>\n");
	}
	raw(b, "</ul>\n");
}

static void write_coverage(struct hb *b, tr_ctx *ctx)
{
	tr_cov cov[32];
	size_t n = tr_report_coverage(ctx, cov, sizeof cov / sizeof cov[0]);

	if (n > sizeof cov / sizeof cov[0])
		n = sizeof cov / sizeof cov[0];
	raw(b, "<section id=\"coverage\">\n<h2>");
	tx(b, TR_("What could be checked"));
	raw(b, "</h2>\n<p>");
	tx(b, TR_("\"Nothing found\" only counts for what was checked. Each kind of evidence holds "
	          "some parts of a phone and not others."));
	raw(b, "</p>\n");
	if (tr_get_info(ctx, "collector")) {
		raw(b, "<table>\n<tr><th>");
		tx(b, TR_("Area"));
		raw(b, "</th><th>");
		tx(b, TR_("Status"));
		raw(b, "</th><th>");
		tx(b, TR_("Why"));
		raw(b, "</th></tr>\n");
		for (size_t i = 0; i < n; i++) {
			raw(b, "<tr><td>");
			tx(b, TR_(cov[i].area->label));
			rawf(b, "</td><td class=\"s-%s\">", tr_cov_status_name(cov[i].status));
			tx(b, cov_words(cov[i].status));
			raw(b, "</td><td>");
			if (cov[i].why)
				tx(b, TR_(cov[i].why));
			raw(b, "</td></tr>\n");
		}
		raw(b, "</table>\n");
	}
	if (ctx->incomplete.n) {
		raw(b, "<p><strong>");
		tx(b, TR_("The scan is incomplete: parts of the evidence could not be checked."));
		raw(b, "</strong></p>\n");
	}
	write_list(b, ctx, TR_("Why the scan is incomplete"), &ctx->incomplete);
	write_list(b, ctx, TR_("Warnings (files that could not be read whole)"), &ctx->warnings);
	write_list(b, ctx, TR_("Notes"), &ctx->notes);
	raw(b, "</section>\n");
}

/* -------------------------------------------------------- indicators */

static void write_indicators(struct hb *b, tr_ctx *ctx, const json_t *custody)
{
	const json_t *inputs = json_object_get(custody, "inputs");
	tr_report_sources sc;

	raw(b, "<section id=\"indicators\">\n<h2>");
	tx(b, TR_("Indicators and rules used"));
	raw(b, "</h2>\n<p>");
	tx(b, TR_("Only what these files describe was looked for. Spyware published after their "
	          "dates is not in them."));
	raw(b, "</p>\n<p>");
	txf(b, TR_("Indicator values loaded: %zu. Detection rules: %zu."),
	    ctx->iocs ? tr_iocs_count(ctx->iocs) : (size_t)0,
	    ctx->yara ? tr_yara_rule_count(ctx->yara) : (size_t)0);
	raw(b, "</p>\n");

	if (ctx->npacks) {
		raw(b, "<h3>");
		tx(b, TR_("Rule packs"));
		raw(b, "</h3>\n<table>\n<tr><th>");
		tx(b, TR_("Pack"));
		raw(b, "</th><th>");
		tx(b, TR_("Date"));
		raw(b, "</th><th>");
		tx(b, TR_("Indicators"));
		raw(b, "</th><th>");
		tx(b, TR_("Signature"));
		raw(b, "</th><th>");
		tx(b, TR_("SHA-256 of its manifest"));
		raw(b, "</th></tr>\n");
		for (size_t i = 0; i < ctx->npacks; i++) {
			const tr_pack *p = &ctx->packs[i];
			raw(b, "<tr><td>");
			ev(b, ctx, p->name, 64);
			rawf(b, " v%lu</td><td>", p->version);
			if (p->date && *p->date)
				ev(b, ctx, p->date, 32);
			else
				tx(b, TR_("no date"));
			rawf(b, "</td><td>%zu</td><td>", p->indicators);
			if (p->unverified)
				tx(b, TR_("NOT VERIFIED (see the warnings)"));
			else if (p->key_id) {
				tx(b, TR_("signed by key"));
				raw(b, " <code>");
				ev(b, ctx, p->key_id, 64);
				raw(b, "</code>");
			} else
				tx(b, TR_("verified"));
			raw(b, "</td><td class=\"mono\">");
			ev(b, ctx, p->manifest_sha256, 64);
			raw(b, "</td></tr>\n");
		}
		raw(b, "</table>\n");
		raw(b, "<h3>");
		tx(b, TR_("Indicator files in the packs"));
		raw(b, "</h3>\n<table>\n<tr><th>");
		tx(b, TR_("File"));
		raw(b, "</th><th>");
		tx(b, TR_("Published"));
		raw(b, "</th><th>");
		tx(b, TR_("Indicators"));
		raw(b, "</th><th>SHA-256</th><th>");
		tx(b, TR_("Source (address, not a link)"));
		raw(b, "</th></tr>\n");
		for (size_t i = 0; i < ctx->npacks; i++) {
			const tr_pack *p = &ctx->packs[i];
			for (size_t k = 0; k < p->nsources; k++) {
				const tr_pack_source *s = &p->sources[k];
				raw(b, "<tr><td>");
				ev(b, ctx, p->name, 64);
				raw(b, "/");
				ev(b, ctx, s->file, TR_HTML_VALUE_CHARS);
				raw(b, "</td><td>");
				if (s->date && *s->date)
					ev(b, ctx, s->date, 32);
				rawf(b, "</td><td>%zu</td><td class=\"mono\">",
				     (size_t)s->indicators);
				ev(b, ctx, s->sha256, 64);
				raw(b, "</td><td class=\"mono\">");
				if (s->url && *s->url)
					ev(b, ctx, s->url, TR_HTML_VALUE_CHARS);
				raw(b, "</td></tr>\n");
			}
		}
		raw(b, "</table>\n");
	}

	if (tr_report_ioc_sources(ctx, &sc) == TR_OK && sc.n) {
		raw(b, "<h3>");
		tx(b, TR_("Indicator values per file"));
		raw(b, "</h3>\n<table>\n");
		for (size_t i = 0; i < sc.n; i++) {
			raw(b, "<tr><td>");
			ev(b, ctx, sc.name[i], TR_HTML_VALUE_CHARS);
			rawf(b, "</td><td>%llu</td></tr>\n", (unsigned long long)sc.count[i]);
		}
		raw(b, "</table>\n");
	}
	tr_report_sources_free(&sc);

	if (json_array_size(inputs)) {
		size_t i;
		const json_t *in;
		raw(b, "<h3>");
		tx(b, TR_("Files read for this scan, with their SHA-256"));
		raw(b, "</h3>\n<table>\n");
		json_array_foreach(inputs, i, in)
		{
			const char *h = json_string_value(json_object_get(in, "sha256"));
			raw(b, "<tr><td>");
			ev(b, ctx, json_string_value(json_object_get(in, "kind")), 32);
			raw(b, "</td><td class=\"mono\">");
			ev(b, ctx, json_string_value(json_object_get(in, "path")),
			   TR_HTML_VALUE_CHARS);
			raw(b, "</td><td class=\"mono\">");
			if (h)
				ev(b, ctx, h, 64);
			else
				tx(b, TR_("could not be read"));
			raw(b, "</td></tr>\n");
		}
		raw(b, "</table>\n");
	}
	raw(b, "</section>\n");
}

/* ------------------------------------------------------------- help */

static void li(struct hb *b, const char *s)
{
	raw(b, "<li>");
	tx(b, s);
	raw(b, "</li>\n");
}

static void write_next(struct hb *b, const tr_ctx *ctx)
{
	raw(b, "<section id=\"next\">\n<h2>");
	tx(b, TR_("Next steps and where to get help"));
	raw(b, "</h2>\n<ol>\n");
	if (ctx->verdict != TR_VERDICT_CLEAN) {
		li(b, TR_("Do not reset, update or wipe the phone yet: an expert may need it as it "
		          "is. If the person is in danger, their safety comes first."));
		li(b, TR_("Talk about this away from the phone, and assume its accounts (e-mail, "
		          "messengers, cloud) may be read until an expert has looked."));
		li(b, TR_("Give an expert this whole report folder (not only this page): "
		          "report.json lets them check every finding by hand."));
	} else {
		li(b,
		   TR_("Keep the phone's software up to date, and turn on its strongest protection "
		       "(such as Lockdown Mode or Advanced Protection) if the person is at high "
		       "risk."));
		li(b, TR_("If the person still has reasons to worry (threats, strange messages, "
		          "someone knowing what they should not), ask an expert: a clean result "
		          "covers only what was checked."));
	}
	if (ctx->incomplete.n)
		li(b,
		   TR_("Parts of the evidence could not be checked: make a new copy of the phone "
		       "and scan it again, or ask an expert."));
	li(b, TR_("Share this report only with people you trust: it describes what is on the "
	          "phone."));
	raw(b, "</ol>\n<h3>");
	tx(b, TR_("Where to get expert help (free, confidential)"));
	raw(b, "</h3>\n<ul>\n<li><strong>Access Now Digital Security Helpline</strong>: ");
	tx(b, TR_("for journalists, activists and civil society, around the clock, in many "
	          "languages."));
	raw(b, " <code>www.accessnow.org/help</code> &#8212; <code>help@accessnow.org</code></li>\n"
	       "<li><strong>Amnesty International Security Lab</strong>: ");
	tx(b, TR_("investigates spyware attacks on human rights defenders and journalists."));
	raw(b, " <code>securitylab.amnesty.org</code></li>\n<li>");
	tx(b, TR_("Your organisation's security team, or a digital security organisation you "
	          "trust in your country."));
	raw(b, "</li>\n</ul>\n<p>");
	tx(b, TR_("Type these addresses yourself on a device you trust: this page holds no links "
	          "and loads nothing."));
	raw(b, "</p>\n</section>\n");
}

/* ------------------------------------------------------------- page */

static int write_page(struct hb *b, tr_ctx *ctx)
{
	json_t *doc = json_object();
	const json_t *custody;
	uint8_t d[32];
	char h64[48];
	int rc;

	if (!doc || tr_custody_json(ctx, doc) != 0) {
		json_decref(doc);
		return TR_ENOMEM;
	}
	custody = json_object_get(doc, "custody");
	if (tr_sha256_buf(css, sizeof css - 1, d) != 0) {
		json_decref(doc);
		return TR_ECRYPTO;
	}
	base64(d, sizeof d, h64);

	raw(b, "<!DOCTYPE html>\n<html lang=\"");
	esc(b, tr_language(), 16);
	raw(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	       "style-src 'sha256-");
	raw(b, h64);
	raw(b, "'; img-src data:; base-uri 'none'; form-action 'none'\">\n"
	       "<meta name=\"referrer\" content=\"no-referrer\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<title>spytriage: ");
	tx(b, verdict_label(ctx));
	raw(b, "</title>\n<style>");
	raw(b, css);
	raw(b, "</style>\n</head>\n<body>\n<header>\n<h1>");
	tx(b, TR_("Spyware check of a phone"));
	raw(b, "</h1>\n<p>");
	tx(b, TR_("This page explains, in plain words, what spytriage found in a copy of a phone. "
	          "It is a first check, not a full forensic analysis."));
	raw(b, "</p>\n</header>\n<main>\n");
	rc = write_banner(b, ctx);
	if (rc == TR_OK) {
		write_nav(b);
		write_examined(b, ctx, custody);
		write_findings(b, ctx);
		write_exposure(b, ctx);
		write_timeline(b, ctx);
		write_coverage(b, ctx);
		write_indicators(b, ctx, custody);
		write_next(b, ctx);
		raw(b, "</main>\n<footer><p>");
		tx(b,
		   TR_("Made by spytriage from the evidence alone. This page loads nothing from "
		       "the network and runs no script. The same folder holds report.json (every "
		       "detail, for an analyst), timeline.csv and report.sha256."));
		raw(b, " spytriage ");
		esc(b, SPYTRIAGE_VERSION, 0);
		raw(b, "</p></footer>\n</body>\n</html>\n");
	}
	json_decref(doc);
	return rc;
}

int tr_report_html(tr_ctx *ctx, char **buf, size_t *len)
{
	struct hb b = { 0 };
	int rc;

	*buf = NULL;
	*len = 0;
	rc = write_page(&b, ctx);
	if (rc == TR_OK && b.oom)
		rc = TR_ENOMEM;
	if (rc != TR_OK) {
		free(b.p);
		if (rc == TR_ENOMEM)
			return tr_set_error(ctx, TR_ENOMEM, "report.html: out of memory");
		return tr_set_error(ctx, rc, "report.html: cannot hash its style sheet");
	}
	*buf = b.p;
	*len = b.n;
	return TR_OK;
}
