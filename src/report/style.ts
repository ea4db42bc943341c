/** The report page's stylesheet (inline; light and dark, print-friendly, no external fonts). */
export const REPORT_CSS = `
:root{--fg:#1d2330;--muted:#667085;--bg:#fff;--panel:#f6f8fa;--line:#d8dee4;--allow:#1a7f37;--deny:#cf222e;--warn:#9a6700;--accent:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#8d96a0;--bg:#0d1117;--panel:#161b22;--line:#30363d;--allow:#3fb950;--deny:#f85149;--warn:#d29922;--accent:#4493f8}}
*{box-sizing:border-box}[hidden]{display:none!important}body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 32px;border-bottom:1px solid var(--line);background:var(--panel)}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:var(--muted)}
nav{position:sticky;top:0;z-index:2;background:var(--bg);border-bottom:1px solid var(--line);padding:8px 32px}nav a{margin-right:16px;color:var(--accent);text-decoration:none}
main{padding:8px 32px 48px;max-width:1280px}section{margin:24px 0}h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:16px;margin:12px 0 4px}summary h3{display:inline;margin:0}
table{border-collapse:collapse;margin:8px 0;width:100%}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}thead th{background:var(--panel)}
table.overview{width:auto}table.overview th{background:var(--panel);white-space:nowrap}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--panel);padding:1px 4px;border-radius:4px;word-break:break-word}code.cond{display:block;white-space:pre-wrap}
details{margin:4px 0}details.target{border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:12px 0}details.kind>summary{font-weight:600}summary{cursor:pointer}
ul.tree,ul.tree ul{list-style:none;padding-left:18px;margin:2px 0}.k{font-weight:600}.src,.muted,.prov{color:var(--muted)}.by{font-style:italic}
.effect.allow,.decision.allow{color:var(--allow);font-weight:700}.effect.deny,.decision.deny{color:var(--deny);font-weight:700}.decision.approval_required,.decision.escalate,.decision.require_approval,.decision.mask{color:var(--warn);font-weight:700}
.lock{color:var(--warn);font-size:11px;border:1px solid var(--warn);border-radius:4px;padding:0 4px;margin-left:4px}.not{color:var(--deny);font-size:12px}tr:target{outline:2px solid var(--accent)}a.anchor{color:var(--muted);text-decoration:none}
.notice{padding:8px 12px;border-radius:6px;border:1px solid var(--line);background:var(--panel)}.notice.warn{border-color:var(--warn)}.notice.bad{border-color:var(--deny)}.notice.ok{border-color:var(--allow)}.warn-text{color:var(--warn)}
.uncovered{color:var(--deny)}.pass{color:var(--allow)}.fail{color:var(--deny);font-weight:700}
.verify{padding:8px 12px;border-radius:6px;border:1px solid var(--line);margin:8px 0}.verify.ok{border-color:var(--allow);color:var(--allow)}.verify.bad{border-color:var(--deny);color:var(--deny)}.verify.unsigned{border-color:var(--warn)}
form.playground{display:flex;flex-direction:column;gap:8px;background:var(--panel);padding:12px;border-radius:8px;border:1px solid var(--line)}form .row,.pg-kind{display:flex;flex-wrap:wrap;gap:12px}
label{display:flex;flex-direction:column;font-weight:600;font-size:12px;min-width:220px}label.wide{flex:1 1 100%}input,select,textarea{font:13px ui-monospace,Menlo,Consolas,monospace;padding:6px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
button{align-self:flex-start;padding:6px 18px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;font-weight:600;cursor:pointer}button:disabled{opacity:.5;cursor:not-allowed}
.result{margin-top:12px;min-height:2em}.result .decision{font-size:18px}.result .reason{margin-left:8px}.refused{color:var(--deny);font-weight:600}
svg text{fill:var(--fg);font:11px system-ui,sans-serif}footer{padding:16px 32px;color:var(--muted);border-top:1px solid var(--line)}

.status.ok{color:var(--allow)}.status.bad{color:var(--deny);font-weight:700}.status.warn{color:var(--warn)}.why{color:var(--muted);font-size:12px}.covered{color:var(--allow)}ul.drift .kind{font-weight:600;margin-right:4px}
@media print{nav{display:none}details{display:block}}
`;
