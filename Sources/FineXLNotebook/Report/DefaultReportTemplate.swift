// The default report templates compiled into the binary, so an installed `finexl` without
// the project's Templates/ folder still writes reports. Keep identical to Templates/report.mustache
// and Templates/report.css (ReportTemplateTests.testBuiltInCopyMatchesTemplatesFolder checks).

enum DefaultReportTemplate {
    static let page = #"""
{{!
  FineXL report page. To change the look, copy this folder (report.mustache and
  report.css) and pass `--templates DIR`. Other .mustache files in the folder
  are partials, included by their name without the extension.

  Double braces escape HTML. Only `html` (prose rendered by cmark), `css` (this
  folder's style sheet) and a figure's `src` (a base64 data URI or a
  percent-encoded relative path, made by the writer, never holding a quote or
  an angle bracket) and a note's `messageHTML` (its text escaped, code spans as
  <code>) may use triple braces; everything else is plain text from a
  notebook, a file name or a model and must stay in double braces, including
  inside attributes.

  Keys: title, author/hasAuthor, css, selfContained, figureCount,
  hasContents + contents[level, text, anchor],
  blocks[ prose(html) | heading(level, text, anchor)
        | table(tableID, hasCaption, tableNumber, caption, hasHeaders, headers[text, numeric], rows[cells[text, numeric]])
        | figure(figureID, number, src, width, height, alt, caption, fileName)
        | note(level, label, message, messageHTML, hasSource, sourceLine, hasQuote, quote)
        | code(text) ],
  hasFooter, hasProvenance + provenance[key, value],
  hasTimings + timings[directive, line, seconds, cached], totalTime.
}}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="FineXL">
<title>{{title}}</title>
<style>
{{{css}}}
</style>
</head>
<body>
<div class="page" id="top">
<header class="masthead">
<p class="kicker">FineXL explanation report</p>
<h1 class="title">{{title}}</h1>
{{#hasAuthor}}
<p class="byline">{{author}}</p>
{{/hasAuthor}}
</header>
{{#hasContents}}
<nav class="contents" id="contents" aria-label="Contents">
<h2 class="contents-title">Contents</h2>
<ol>
{{#contents}}
<li class="toc-{{level}}"><a href="#{{anchor}}">{{text}}</a></li>
{{/contents}}
</ol>
</nav>
{{/hasContents}}
<main class="report" id="report">
{{#blocks}}
{{#prose}}
{{{html}}}
{{/prose}}
{{#heading}}
<h{{level}} id="{{anchor}}"><a class="anchor" href="#{{anchor}}" aria-hidden="true" tabindex="-1">#</a>{{text}}</h{{level}}>
{{/heading}}
{{#table}}
<div class="table-wrap">
<table{{#hasCaption}} id="{{tableID}}"{{/hasCaption}}>
{{#hasCaption}}
<caption><span class="label">Table {{tableNumber}}.</span> {{caption}}</caption>
{{/hasCaption}}
{{#hasHeaders}}
<thead><tr>{{#headers}}<th scope="col"{{#numeric}} class="num"{{/numeric}}>{{text}}</th>{{/headers}}</tr></thead>
{{/hasHeaders}}
<tbody>
{{#rows}}
<tr>{{#cells}}<td{{#numeric}} class="num"{{/numeric}}>{{text}}</td>{{/cells}}</tr>
{{/rows}}
</tbody>
</table>
</div>
{{/table}}
{{#figure}}
<figure class="figure" id="{{figureID}}">
<img src="{{{src}}}" width="{{width}}" height="{{height}}" alt="{{alt}}">
<figcaption><span class="label">Figure {{number}}.</span> {{caption}}</figcaption>
</figure>
{{/figure}}
{{#note}}
<aside class="note note-{{level}}" role="note">
<p class="note-label">{{label}}</p>
<p class="note-message">{{{messageHTML}}}</p>
{{#hasSource}}
<p class="note-source">{{sourceLine}}{{#hasQuote}}: <code>{{quote}}</code>{{/hasQuote}}</p>
{{/hasSource}}
</aside>
{{/note}}
{{#code}}
<pre class="code"><code>{{text}}</code></pre>
{{/code}}
{{/blocks}}
</main>
{{#hasFooter}}
<footer class="provenance" id="provenance">
{{#hasProvenance}}
<h2>Provenance</h2>
<dl>
{{#provenance}}
<div><dt>{{key}}</dt><dd>{{value}}</dd></div>
{{/provenance}}
</dl>
{{/hasProvenance}}
{{#hasTimings}}
<table class="timings" id="timings">
<caption>Time per directive</caption>
<thead><tr><th scope="col">Directive</th><th scope="col" class="num">Line</th><th scope="col" class="num">Time</th><th scope="col">Cache</th></tr></thead>
<tbody>
{{#timings}}
<tr><td><code>{{directive}}</code></td><td class="num">{{line}}</td><td class="num">{{seconds}}</td><td>{{#cached}}<span class="badge">cached</span>{{/cached}}</td></tr>
{{/timings}}
</tbody>
<tfoot><tr><th scope="row" colspan="2">Total</th><td class="num">{{totalTime}}</td><td></td></tr></tfoot>
</table>
{{/hasTimings}}
</footer>
{{/hasFooter}}
<p class="colophon">Made with FineXL · <a href="#top">Back to top</a></p>
</div>
</body>
</html>

"""#

    static let css = #"""
/* FineXL report. Light and dark follow the reader's system; print drops backgrounds. */
:root {
  --paper: #fcfcfa;
  --ink: #1d232b;
  --muted: #5b6673;
  --faint: #8a94a0;
  --rule: #dde2e7;
  --panel: #f3f5f7;
  --stripe: #f7f8f9;
  --accent: #1f5fbf;
  --accent-soft: #e7effa;
  --info: #1f6fd1;
  --info-bg: #eef5fd;
  --warning: #b46900;
  --warning-bg: #fdf5e6;
  --error: #c0342b;
  --error-bg: #fdeeed;
  --figure-bg: #ffffff;
  --measure: 72ch;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
  color-scheme: light dark;
}

@media (prefers-color-scheme: dark) {
  :root {
    --paper: #14171c;
    --ink: #e4e8ed;
    --muted: #a2acb8;
    --faint: #78828e;
    --rule: #2f3640;
    --panel: #1b2027;
    --stripe: #181c22;
    --accent: #7ab0ff;
    --accent-soft: #1c2a3f;
    --info: #6aa8ff;
    --info-bg: #16233a;
    --warning: #f0b454;
    --warning-bg: #2e2414;
    --error: #ff8077;
    --error-bg: #371a1a;
    --figure-bg: #f7f7f5;
  }
}

*, *::before, *::after { box-sizing: border-box; }

html {
  background: var(--paper);
  color: var(--ink);
  font-family: var(--sans);
  font-size: 106.25%;
  line-height: 1.6;
  -webkit-text-size-adjust: 100%;
  text-rendering: optimizeLegibility;
}

body { margin: 0; }

.page {
  max-width: calc(var(--measure) + 3rem);
  margin: 0 auto;
  padding: 3.5rem 1.5rem 3rem;
}

.masthead {
  border-bottom: 1px solid var(--rule);
  padding-bottom: 1.5rem;
  margin-bottom: 2rem;
}

.kicker {
  margin: 0 0 0.4rem;
  color: var(--accent);
  font-size: 0.78rem;
  font-weight: 600;
  letter-spacing: 0.08em;
  text-transform: uppercase;
}

.title {
  margin: 0;
  font-size: clamp(1.9rem, 1.3rem + 2.2vw, 2.6rem);
  line-height: 1.15;
  letter-spacing: -0.015em;
  font-weight: 700;
}

.byline { margin: 0.6rem 0 0; color: var(--muted); }

h1, h2, h3, h4, h5, h6 {
  position: relative;
  line-height: 1.25;
  letter-spacing: -0.01em;
  margin: 2.2em 0 0.6em;
}
.report h1 { font-size: 1.75rem; }
.report h2 { font-size: 1.4rem; }
.report h3 { font-size: 1.15rem; }
.report h4, .report h5, .report h6 { font-size: 1rem; }
.report > :first-child { margin-top: 0; }

.anchor {
  position: absolute;
  left: -1.1em;
  width: 1em;
  color: var(--faint);
  text-decoration: none;
  opacity: 0;
  font-weight: 400;
}
h1:hover .anchor, h2:hover .anchor, h3:hover .anchor, h4:hover .anchor, .anchor:focus { opacity: 1; }

p, ul, ol, dl, blockquote { margin: 0 0 1em; }
li + li { margin-top: 0.25em; }

a { color: var(--accent); text-underline-offset: 0.15em; text-decoration-thickness: 1px; }
a:hover { text-decoration-thickness: 2px; }

strong { font-weight: 650; }

blockquote {
  margin-left: 0;
  padding: 0.1em 1em;
  border-left: 3px solid var(--rule);
  color: var(--muted);
}

hr { border: 0; border-top: 1px solid var(--rule); margin: 2.5em 0; }

code, pre, kbd, samp { font-family: var(--mono); font-size: 0.88em; }
:not(pre) > code {
  padding: 0.1em 0.35em;
  border-radius: 4px;
  background: var(--panel);
}

pre {
  margin: 0 0 1.4em;
  padding: 0.9em 1.1em;
  overflow-x: auto;
  border: 1px solid var(--rule);
  border-radius: 8px;
  background: var(--panel);
  line-height: 1.5;
  tab-size: 4;
}
pre code { padding: 0; background: none; font-size: 0.86rem; }

/* Contents */
.contents {
  margin: 0 0 2.5rem;
  padding: 1rem 1.25rem 0.8rem;
  border: 1px solid var(--rule);
  border-radius: 10px;
  background: var(--panel);
}
.contents-title {
  margin: 0 0 0.5rem;
  font-size: 0.78rem;
  font-weight: 600;
  letter-spacing: 0.08em;
  text-transform: uppercase;
  color: var(--muted);
}
.contents ol { list-style: none; margin: 0; padding: 0; }
.contents li { margin: 0 0 0.3em; }
.contents a { color: var(--ink); text-decoration: none; }
.contents a:hover { color: var(--accent); text-decoration: underline; }
.contents .toc-1 { font-weight: 600; }
.contents .toc-2 { padding-left: 1rem; }
.contents .toc-3 { padding-left: 2rem; font-size: 0.94em; color: var(--muted); }

/* Tables */
.table-wrap { margin: 1.5em 0 1.8em; overflow-x: auto; }
table {
  border-collapse: collapse;
  font-size: 0.92rem;
  line-height: 1.45;
  min-width: min(100%, 24rem);
}
caption {
  caption-side: top;
  text-align: left;
  padding-bottom: 0.6em;
  color: var(--muted);
  font-size: 0.9rem;
}
th, td {
  padding: 0.45em 0.9em;
  border-bottom: 1px solid var(--rule);
  text-align: left;
  vertical-align: top;
}
th:first-child, td:first-child { padding-left: 0.2em; }
th:last-child, td:last-child { padding-right: 0.2em; }
thead th {
  border-bottom: 2px solid var(--ink);
  font-weight: 600;
  white-space: nowrap;
}
tbody tr:nth-child(even) { background: var(--stripe); }
.num {
  text-align: right;
  font-variant-numeric: tabular-nums lining-nums;
  white-space: nowrap;
}

/* Figures */
.figure { margin: 2em 0 2.2em; }
.figure img {
  display: block;
  max-width: 100%;
  height: auto;
  border-radius: 8px;
  background: var(--figure-bg);
  box-shadow: 0 0 0 1px var(--rule);
}
figcaption, caption .label, figcaption .label { font-variant-numeric: tabular-nums; }
figcaption {
  margin-top: 0.75em;
  color: var(--muted);
  font-size: 0.9rem;
  line-height: 1.5;
}
.label { font-weight: 650; color: var(--ink); }

/* Notes */
.note {
  margin: 1.4em 0;
  padding: 0.8em 1.1em 0.85em;
  border-left: 4px solid var(--info);
  border-radius: 0 8px 8px 0;
  background: var(--info-bg);
}
.note p { margin: 0; }
.note p + p { margin-top: 0.35em; }
.note-label {
  font-size: 0.75rem;
  font-weight: 700;
  letter-spacing: 0.08em;
  text-transform: uppercase;
  color: var(--info);
}
.note-warning { border-left-color: var(--warning); background: var(--warning-bg); }
.note-warning .note-label { color: var(--warning); }
.note-error { border-left-color: var(--error); background: var(--error-bg); }
.note-error .note-label { color: var(--error); }
.note-message { white-space: pre-wrap; overflow-wrap: anywhere; }
.note-source {
  font-family: var(--mono);
  font-size: 0.84rem;
  color: var(--muted);
  overflow-wrap: anywhere;
}
.note-source code { padding: 0; background: none; color: var(--ink); white-space: pre-wrap; font-size: 1em; }

/* Provenance and timings */
.provenance {
  margin-top: 4rem;
  padding-top: 1.5rem;
  border-top: 1px solid var(--rule);
  color: var(--muted);
  font-size: 0.88rem;
}
.provenance h2 {
  margin: 0 0 0.9rem;
  font-size: 0.78rem;
  font-weight: 600;
  letter-spacing: 0.08em;
  text-transform: uppercase;
}
.provenance dl {
  display: grid;
  grid-template-columns: minmax(8rem, max-content) 1fr;
  gap: 0.3rem 1.5rem;
  margin: 0 0 2rem;
}
.provenance dl > div { display: contents; }
.provenance dt { font-weight: 600; color: var(--ink); }
.provenance dd { margin: 0; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
.timings { font-size: 0.86rem; }
.timings caption { font-size: 0.78rem; font-weight: 600; letter-spacing: 0.08em; text-transform: uppercase; }
.timings tfoot th, .timings tfoot td { border-bottom: 0; font-weight: 600; color: var(--ink); }
.timings code { background: none; padding: 0; font-size: 0.95em; }
.badge {
  display: inline-block;
  padding: 0 0.5em;
  border-radius: 999px;
  background: var(--accent-soft);
  color: var(--accent);
  font-size: 0.78rem;
  font-weight: 600;
}

.colophon {
  margin: 3rem 0 0;
  color: var(--faint);
  font-size: 0.8rem;
}
.colophon a { color: inherit; }

@media (max-width: 40rem) {
  html { font-size: 100%; }
  .page { padding: 2rem 1rem; }
  .anchor { display: none; }
}

@media print {
  :root {
    --paper: #fff; --ink: #000; --muted: #333; --faint: #555; --rule: #bbb;
    --panel: transparent; --stripe: transparent; --accent: #000;
    --info-bg: transparent; --warning-bg: transparent; --error-bg: transparent; --figure-bg: transparent;
  }
  html { font-size: 10.5pt; background: none; }
  .page { max-width: none; padding: 0; }
  .anchor, .colophon a { display: none; }
  a { color: inherit; text-decoration: none; }
  .contents { border: 0; padding: 0; }
  /* No break through a figure (image and caption), a note or a table row; a table that
     fits on a page moves whole, a longer one breaks between rows and repeats its header. */
  .figure, .table-wrap, table, tr, .note, pre, .provenance dl { break-inside: avoid; }
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
  caption { break-after: avoid; }
  h1, h2, h3, h4 { break-after: avoid; }
  p, li { orphans: 3; widows: 3; }
  /* A sentence that leads into a figure or a table stays on its page. */
  p:has(+ .figure), p:has(+ .table-wrap) { break-after: avoid; }
  .figure img { box-shadow: none; }
  .table-wrap { overflow: visible; }
  /* A row's name stays on one line: a wide table narrows its number columns, not its names. */
  tbody th, tbody td:first-child { white-space: nowrap; }
  .note { border-left-width: 3px; }
  .badge { border: 1px solid var(--rule); }
}

/* Printed pages (a PDF from `finexl render --pdf`): the paper size comes from the printer;
   each page is numbered "3 / 7" at its foot, so a printed or shared report can be cited. */
@page {
  margin: 16mm 15mm 18mm;
  @bottom-center {
    content: counter(page) " / " counter(pages);
    font: 8pt/1 "DejaVu Sans", system-ui, sans-serif;
    color: #6b6b6b;
  }
}

"""#
}
