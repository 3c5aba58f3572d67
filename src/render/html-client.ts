// The HTML report's inline stylesheet and script. The script only ever writes data into the page with
// textContent (never innerHTML), and draws flame graphs on a canvas with culling, so that 100k+ frames stay
// smooth: a node narrower than half a pixel is neither drawn nor descended into.

export const HTML_STYLE = `
:root {
  --fg: #1b1f24;
  --muted: #57606a;
  --bg: #ffffff;
  --panel: #f6f8fa;
  --line: #d0d7de;
  --accent: #0550ae;
  --bad: #cf222e;
  --warn: #9a6700;
  --good: #1a7f37;
  --user: #0550ae;
  --focus: #fd8c73;
  font-size: 15px;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6edf3;
    --muted: #9198a1;
    --bg: #0d1117;
    --panel: #161b22;
    --line: #30363d;
    --accent: #79c0ff;
    --bad: #ff7b72;
    --warn: #d29922;
    --good: #3fb950;
    --user: #79c0ff;
  }
}
* {
  box-sizing: border-box;
}
body {
  margin: 0;
  font-family:
    system-ui,
    -apple-system,
    "Segoe UI",
    sans-serif;
  color: var(--fg);
  background: var(--bg);
  line-height: 1.45;
}
header {
  padding: 12px 16px;
  border-bottom: 1px solid var(--line);
  background: var(--panel);
  position: sticky;
  top: 0;
  z-index: 2;
}
h1 {
  font-size: 1.15rem;
  margin: 0 0 8px;
}
h1,
h2,
h3,
p,
li,
td {
  overflow-wrap: anywhere;
}
h2 {
  font-size: 1.1rem;
  margin: 1.2em 0 0.4em;
}
h3 {
  font-size: 1rem;
  margin: 1em 0 0.3em;
}
nav button {
  font: inherit;
  border: 1px solid var(--line);
  background: var(--bg);
  color: var(--fg);
  padding: 4px 12px;
  border-radius: 6px;
  margin-right: 6px;
  cursor: pointer;
}
nav button[aria-selected="true"] {
  border-color: var(--accent);
  color: var(--accent);
  font-weight: 600;
}
main {
  padding: 8px 16px 48px;
  max-width: 1200px;
}
.card {
  border: 1px solid var(--line);
  border-radius: 8px;
  padding: 12px 16px;
  margin: 12px 0;
  background: var(--bg);
}
.kind {
  color: var(--muted);
  font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
  font-size: 0.85em;
}
.bad {
  color: var(--bad);
}
.warn {
  color: var(--warn);
}
.good {
  color: var(--good);
}
.muted {
  color: var(--muted);
}
pre,
code {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.86rem;
}
pre {
  background: var(--panel);
  border: 1px solid var(--line);
  border-radius: 6px;
  padding: 8px 10px;
  overflow-x: auto;
  margin: 6px 0;
}
.src .focus {
  background: rgba(255, 200, 0, 0.25);
  display: block;
  font-weight: 600;
}
.frames {
  list-style: none;
  padding-left: 0;
  margin: 4px 0;
  font-family: ui-monospace, monospace;
  font-size: 0.84rem;
}
.frames li {
  padding: 1px 0;
  color: var(--muted);
  overflow-wrap: anywhere;
}
.frames li.user {
  color: var(--user);
  font-weight: 600;
}
.frames .loc {
  display: block;
  padding-left: 2em;
  font-weight: 400;
  color: var(--muted);
}
details {
  border-top: 1px solid var(--line);
  padding: 4px 0;
}
summary {
  cursor: pointer;
  overflow-wrap: anywhere;
}
summary:focus-visible,
button:focus-visible,
input:focus-visible,
canvas:focus-visible {
  outline: 3px solid var(--focus);
  outline-offset: 2px;
}
.count {
  display: inline-block;
  min-width: 5.5em;
  text-align: right;
  font-variant-numeric: tabular-nums;
  font-weight: 600;
  margin-right: 0.5em;
}
.state {
  font-family: ui-monospace, monospace;
  font-size: 0.85em;
  border: 1px solid var(--line);
  border-radius: 10px;
  padding: 0 6px;
  margin-right: 0.5em;
}
input[type="search"] {
  font: inherit;
  padding: 4px 8px;
  border: 1px solid var(--line);
  border-radius: 6px;
  background: var(--bg);
  color: var(--fg);
  width: min(420px, 100%);
}
table {
  border-collapse: collapse;
  width: 100%;
  font-size: 0.9rem;
}
th,
td {
  text-align: left;
  padding: 4px 6px;
  border-bottom: 1px solid var(--line);
  vertical-align: top;
  overflow-wrap: anywhere;
}
td.num,
th.num {
  text-align: right;
  font-variant-numeric: tabular-nums;
}
.bar {
  display: inline-block;
  height: 0.7em;
  background: var(--accent);
  border-radius: 2px;
  vertical-align: middle;
}
.sides {
  display: grid;
  grid-template-columns: 1fr 1fr;
  gap: 12px;
}
@media (max-width: 760px) {
  .sides {
    grid-template-columns: 1fr;
  }
  main {
    padding: 8px;
  }
}
.flame {
  position: relative;
  margin: 8px 0 16px;
}
.flame canvas {
  width: 100%;
  display: block;
  border: 1px solid var(--line);
  border-radius: 6px;
}
.flame .controls {
  display: flex;
  gap: 8px;
  align-items: center;
  flex-wrap: wrap;
  margin-bottom: 6px;
}
.flame button {
  font: inherit;
  border: 1px solid var(--line);
  background: var(--bg);
  color: var(--fg);
  border-radius: 6px;
  padding: 2px 10px;
  cursor: pointer;
}
#tooltip {
  position: fixed;
  pointer-events: none;
  background: var(--fg);
  color: var(--bg);
  padding: 4px 8px;
  border-radius: 4px;
  font-size: 0.8rem;
  max-width: 480px;
  z-index: 5;
  overflow-wrap: anywhere;
}
.empty {
  color: var(--muted);
  font-style: italic;
}
`;

export const HTML_CLIENT_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var app = document.getElementById('app');
  var tooltip = document.getElementById('tooltip');

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs)
      for (var key in attrs) {
        if (key === 'text') node.textContent = attrs[key];
        else if (key === 'className') node.className = attrs[key];
        else node.setAttribute(key, attrs[key]);
      }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function loc(l) {
    return l ? l.file + ':' + l.line : '';
  }
  function minutes(range) {
    if (!range || range[1] === 0) return '';
    return range[0] === range[1] ? range[0] + ' min' : range[0] + '-' + range[1] + ' min';
  }
  function framesList(frames) {
    var list = el('ol', { className: 'frames' });
    (frames || []).forEach(function (f) {
      // A plain link to pkg.go.dev at the printed version: followed only when clicked, nothing is loaded.
      var name = f.href
        ? el('a', { href: f.href, rel: 'noopener noreferrer', title: loc(f) }, [f.function])
        : f.function;
      list.appendChild(
        el('li', { className: f.u ? 'user' : '' }, [name, el('span', { className: 'loc', text: loc(f) })])
      );
    });
    return list;
  }
  function codeFrame(ctx) {
    var pre = el('pre', { className: 'src' });
    var width = String(ctx.firstLine + ctx.lines.length - 1).length;
    ctx.lines.forEach(function (text, i) {
      var n = ctx.firstLine + i;
      var line = el('span', {
        className: n === ctx.focusLine ? 'focus' : '',
        text: String(n).padStart(width) + ' | ' + text + '\\n'
      });
      pre.appendChild(line);
    });
    return pre;
  }
  function fixes(list) {
    var out = el('div');
    // The first fix open, the alternatives folded: a long page of code hides the diagnosis.
    (list || []).forEach(function (fix, i) {
      var details = el('details', { className: 'fix' }, [
        el('summary', {}, [el('strong', { className: 'good', text: 'Fix: ' }), fix.title]),
        el('pre', {}, [el('code', { text: fix.code })])
      ]);
      if (i === 0) details.open = true;
      out.appendChild(details);
    });
    return out;
  }
  function filterBox(label, onInput) {
    var input = el('input', { type: 'search', placeholder: label, 'aria-label': label });
    input.addEventListener('input', function () {
      onInput(input.value.toLowerCase());
    });
    return input;
  }

  // ---- flame graph (icicle) on canvas ----
  var ROW = 18;
  function depthOf(node) {
    var max = 0;
    for (var i = 2; i < node.length; i++) max = Math.max(max, depthOf(node[i]));
    return max + 1;
  }
  function flameGraph(graph) {
    var wrap = el('div', { className: 'flame' });
    var search = filterBox('Highlight functions matching…', function (q) {
      query = q;
      draw();
    });
    var reset = el('button', { type: 'button', text: 'Reset zoom' });
    var info = el('span', { className: 'muted' });
    var canvas = el('canvas', {
      tabindex: '0',
      role: 'img',
      'aria-label': graph.title + ': flame graph, click a ' + 'frame to zoom, Escape to reset'
    });
    wrap.appendChild(el('h3', { text: graph.title }));
    wrap.appendChild(el('div', { className: 'controls' }, [search, reset, info]));
    wrap.appendChild(canvas);
    var strings = graph.strings,
      root = graph.root,
      zoom = root,
      zoomPath = [root],
      query = '',
      rects = [];
    var depth = Math.min(depthOf(root), 200);
    function name(node) {
      return strings[node[0]];
    }
    function color(node, matched) {
      if (matched) return '#d946ef';
      var h = 0,
        s = name(node);
      for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
      return 'hsl(' + (10 + (h % 40)) + ', 80%, ' + (55 + (h % 15)) + '%)';
    }
    function draw() {
      var width = canvas.clientWidth || 800,
        ratio = window.devicePixelRatio || 1;
      canvas.width = width * ratio;
      canvas.height = depth * ROW * ratio;
      canvas.style.height = depth * ROW + 'px';
      var ctx = canvas.getContext('2d');
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, depth * ROW);
      ctx.font = '12px ui-monospace, monospace';
      ctx.textBaseline = 'middle';
      rects = [];
      var matchedValue = 0;
      // Ancestors of the zoomed node span the full width above it.
      for (var a = 0; a < zoomPath.length - 1; a++) box(zoomPath[a], 0, width, a);
      function box(node, x, w, row) {
        var matched = query !== '' && name(node).toLowerCase().indexOf(query) >= 0;
        ctx.fillStyle = color(node, matched);
        ctx.fillRect(x, row * ROW, Math.max(w - 1, 0.5), ROW - 1);
        if (w > 40) {
          ctx.fillStyle = '#111';
          ctx.fillText(name(node).slice(0, Math.floor(w / 7)), x + 3, row * ROW + ROW / 2);
        }
        rects.push([x, row, w, node]);
        return matched;
      }
      function walk(node, x, w, row) {
        if (w < 0.5 || row >= depth) return;
        if (box(node, x, w, row)) matchedValue += node[1];
        var cx = x;
        for (var i = 2; i < node.length; i++) {
          var child = node[i],
            cw = (w * child[1]) / node[1];
          walk(child, cx, cw, row + 1);
          cx += cw;
        }
      }
      walk(zoom, 0, width, zoomPath.length - 1);
      info.textContent = query
        ? 'matched ' + matchedValue + ' of ' + root[1] + ' ' + graph.unit
        : root[1] + ' ' + graph.unit;
    }
    function hit(event) {
      var r = canvas.getBoundingClientRect(),
        x = event.clientX - r.left,
        row = Math.floor((event.clientY - r.top) / ROW);
      for (var i = rects.length - 1; i >= 0; i--) {
        var q = rects[i];
        if (q[1] === row && x >= q[0] && x < q[0] + q[2]) return q[3];
      }
      return null;
    }
    function pathTo(target) {
      var path = [];
      (function find(node) {
        path.push(node);
        if (node === target) return true;
        for (var i = 2; i < node.length; i++) if (find(node[i])) return true;
        path.pop();
        return false;
      })(root);
      return path;
    }
    canvas.addEventListener('click', function (event) {
      var node = hit(event);
      if (!node) return;
      zoom = node;
      zoomPath = pathTo(node);
      draw();
    });
    canvas.addEventListener('mousemove', function (event) {
      var node = hit(event);
      if (!node) {
        tooltip.hidden = true;
        return;
      }
      tooltip.textContent =
        name(node) + ' — ' + node[1] + ' ' + graph.unit + ' (' + ((100 * node[1]) / root[1]).toFixed(1) + '%)';
      tooltip.hidden = false;
      tooltip.style.left = event.clientX + 12 + 'px';
      tooltip.style.top = event.clientY + 12 + 'px';
    });
    canvas.addEventListener('mouseleave', function () {
      tooltip.hidden = true;
    });
    canvas.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') {
        zoom = root;
        zoomPath = [root];
        draw();
      }
    });
    reset.addEventListener('click', function () {
      zoom = root;
      zoomPath = [root];
      draw();
    });
    window.addEventListener('resize', draw);
    wrap.draw = draw;
    return wrap;
  }

  // ---- views ----
  function crashView(crash, index) {
    var card = el('section', { className: 'card crash', 'aria-label': crash.title });
    card.appendChild(
      el('h2', { className: 'bad' }, [
        crash.title + ' ',
        el('span', { className: 'kind', text: '[' + crash.kind + ']' }),
        crash.fingerprint ? el('span', { className: 'kind fingerprint', text: ' ' + crash.fingerprint }) : null
      ])
    );
    card.appendChild(el('pre', {}, [el('code', { text: crash.message })]));
    var group = (data.distinctCrashes || []).filter(function (g) {
      return g.fingerprint === crash.fingerprint;
    })[0];
    if (group && (group.count > 1 || group.inputs.length > 1)) {
      card.appendChild(
        el('p', {
          className: 'muted',
          text:
            'Seen ' +
            group.count +
            ' times in ' +
            group.inputs.length +
            ' input(s): first at ' +
            group.firstSeen.file +
            ':' +
            group.firstSeen.line +
            ', last at ' +
            group.lastSeen.file +
            ':' +
            group.lastSeen.line
        })
      );
    }
    if (crash.culprit) {
      card.appendChild(
        el('p', {}, [
          el('strong', { text: 'Where: ' }),
          crash.goroutine !== null ? 'goroutine ' + crash.goroutine + ' at ' : '',
          el('code', { text: crash.culprit.function }),
          ' ',
          el('span', { className: 'muted', text: loc(crash.culprit) })
        ])
      );
      if (crash.culpritContext) card.appendChild(codeFrame(crash.culpritContext));
      (crash.hazards || []).forEach(function (h) {
        card.appendChild(
          el('p', { className: 'warn' }, [
            el('strong', { text: 'Lint: ' }),
            h.rule + ' flags this line: ' + h.message
          ])
        );
      });
    }
    if (crash.kind !== 'goroutine_dump')
      card.appendChild(
        el('p', {
          className: crash.recoverable ? '' : 'warn',
          text: crash.recoverable
            ? 'recover(): a deferred recover() in the failing goroutine could have caught this panic.'
            : 'recover(): cannot catch this; the runtime ends the program.'
        })
      );
    card.appendChild(el('h3', { text: 'What happened' }));
    card.appendChild(el('p', { text: crash.explanation }));
    (crash.advice || []).forEach(function (a) {
      card.appendChild(el('p', { className: 'warn', text: a }));
    });
    card.appendChild(fixes(crash.fixes));
    if (crash.leaks && crash.leaks.length) {
      card.appendChild(el('h3', { className: 'warn', text: 'Leak suspects' }));
      var table = el('table', {}, [
        el('tr', {}, [
          el('th', { className: 'num', text: 'count' }),
          el('th', { text: 'state' }),
          el('th', { text: 'where' }),
          el('th', { text: 'why' })
        ])
      ]);
      crash.leaks.forEach(function (leak) {
        table.appendChild(
          el('tr', {}, [
            el('td', { className: 'num', text: String(leak.count) }),
            el('td', { text: leak.state + (minutes(leak.waitMinutes) ? ', ' + minutes(leak.waitMinutes) : '') }),
            el('td', { text: leak.culprit ? leak.culprit.function + ' ' + loc(leak.culprit) : '' }),
            el('td', { text: leak.reason })
          ])
        );
      });
      card.appendChild(table);
    }
    if (crash.groups.length) {
      card.appendChild(
        el('h3', { text: 'Goroutines: ' + crash.goroutineCount + ' in ' + crash.groups.length + ' groups' })
      );
      var list = el('div', { className: 'groups' });
      var items = crash.groups.map(function (b, i) {
        var summary = el('summary', {}, [
          el('span', { className: 'count', text: String(b.count) }),
          el('span', {
            className: 'state',
            text: b.state + (minutes(b.waitMinutes) ? ', ' + minutes(b.waitMinutes) : '')
          }),
          b.culprit ? b.culprit.function + ' ' + loc(b.culprit) : '(runtime only)',
          b.crashing && crash.goroutine !== null
            ? el('strong', { className: 'bad', text: '  goroutine ' + crash.goroutine })
            : null
        ]);
        var details = el('details', { className: 'group' }, [summary, framesList(b.frames)]);
        if (b.crashing || i === 0) details.open = true;
        var haystack = (
          b.state +
          ' ' +
          b.frames
            .map(function (f) {
              return f.function + ' ' + loc(f);
            })
            .join(' ')
        ).toLowerCase();
        list.appendChild(details);
        return { node: details, text: haystack };
      });
      card.appendChild(
        filterBox('Filter goroutine groups (function, file, state)…', function (q) {
          items.forEach(function (item) {
            item.node.hidden = q !== '' && item.text.indexOf(q) < 0;
          });
        })
      );
      card.appendChild(list);
    }
    var graph = data.flames.filter(function (f) {
      return f.id === 'crash-' + index;
    })[0];
    if (graph) card.appendChild(flameGraph(graph));
    return card;
  }

  function raceSide(label, side) {
    return el('div', {}, [
      el('h3', {
        text: label + ': ' + side.op + (side.goroutine !== null ? ' by goroutine ' + side.goroutine : '')
      }),
      framesList(side.frames),
      side.createdAt && side.createdAt.length ? el('p', { className: 'muted', text: 'created at:' }) : null,
      side.createdAt && side.createdAt.length ? framesList(side.createdAt) : null
    ]);
  }
  function raceView(race) {
    var title =
      'Data race on ' +
      (race.object && race.object !== 'unknown' ? 'a ' + race.object : 'shared memory') +
      ' (' +
      race.occurrences +
      ' report' +
      (race.occurrences === 1 ? '' : 's') +
      ')';
    var card = el('section', { className: 'card race', 'aria-label': title });
    card.appendChild(el('h2', { className: 'bad', text: title }));
    if (race.tests && race.tests.length) card.appendChild(el('p', { text: 'Tests: ' + race.tests.join(', ') }));
    card.appendChild(
      el('div', { className: 'sides' }, [raceSide('Current', race.current), raceSide('Previous', race.previous)])
    );
    card.appendChild(el('p', { text: race.explanation }));
    card.appendChild(fixes(race.fixes));
    return card;
  }

  function lintView(findings) {
    var section = el('section');
    if (!findings.length) {
      section.appendChild(el('p', { className: 'empty', text: 'No findings.' }));
      return section;
    }
    var byRule = {};
    findings.forEach(function (f) {
      (byRule[f.rule] = byRule[f.rule] || []).push(f);
    });
    var items = [];
    var cards = [];
    section.appendChild(
      filterBox('Filter findings…', function (q) {
        items.forEach(function (item) {
          item.node.hidden = q !== '' && item.text.indexOf(q) < 0;
        });
        // A rule whose findings are all filtered out is hidden too.
        cards.forEach(function (c) {
          c.card.hidden = c.items.every(function (item) {
            return item.node.hidden;
          });
        });
      })
    );
    Object.keys(byRule)
      .sort()
      .forEach(function (rule) {
        var card = el('div', { className: 'card' }, [
          el('h2', {}, [rule + ' ', el('span', { className: 'kind', text: byRule[rule].length + ' finding(s)' })])
        ]);
        var cardItems = [];
        cards.push({ card: card, items: cardItems });
        byRule[rule].forEach(function (f) {
          var details = el('details', { open: '' }, [
            el('summary', {}, [
              el('span', { className: f.severity === 'error' ? 'bad' : 'warn', text: f.severity + ' ' }),
              f.file + ':' + f.line + ':' + f.column + '  ' + f.message
            ])
          ]);
          if (f.codeFrame) details.appendChild(codeFrame(f.codeFrame));
          (f.related || []).forEach(function (r) {
            details.appendChild(
              el('p', {
                className: 'muted',
                text: 'related: ' + r.file + ':' + r.line + (r.message ? ' ' + r.message : '')
              })
            );
          });
          if (f.fix) details.appendChild(el('pre', {}, [el('code', { text: f.fix })]));
          card.appendChild(details);
          var item = { node: details, text: (rule + ' ' + f.file + ' ' + f.message).toLowerCase() };
          items.push(item);
          cardItems.push(item);
        });
        section.appendChild(card);
      });
    return section;
  }

  function profileView(report, index) {
    var card = el('section', { className: 'card profile', 'aria-label': report.type + ' profile' });
    card.appendChild(el('h2', { text: report.type + ' profile' }));
    card.appendChild(
      el('p', { className: 'muted', text: report.file + ' — total ' + report.total + ' ' + report.unit })
    );
    var table = el('table', {}, [
      el('tr', {}, [
        el('th', { className: 'num', text: 'share' }),
        el('th', { text: '' }),
        el('th', { className: 'num', text: 'value' }),
        el('th', { text: 'function' }),
        el('th', { text: 'where' })
      ])
    ]);
    report.hotspots.forEach(function (h) {
      var bar = el('span', { className: 'bar' });
      bar.style.width = Math.max(1, Math.round(h.share * 120)) + 'px';
      var row = el('tr', {}, [
        el('td', { className: 'num', text: (h.share * 100).toFixed(1) + '%' }),
        el('td', {}, [bar]),
        el('td', { className: 'num', text: String(h.value) }),
        el('td', {}, [el('code', { text: h.function })]),
        el('td', { text: loc(h) })
      ]);
      table.appendChild(row);
    });
    card.appendChild(table);
    var graph = data.flames.filter(function (f) {
      return f.id === 'profile-' + index;
    })[0];
    if (graph) card.appendChild(flameGraph(graph));
    return card;
  }

  // ---- tabs ----
  document.getElementById('title').textContent = data.title;
  document.title = data.title;
  var views = [];
  if (data.crashes.length)
    views.push([
      'Crashes (' + data.crashes.length + ')',
      function () {
        var d = el('div');
        data.crashes.forEach(function (c, i) {
          d.appendChild(crashView(c, i));
        });
        return d;
      }
    ]);
  if (data.races.length)
    views.push([
      'Races (' + data.races.length + ')',
      function () {
        var d = el('div');
        data.races.forEach(function (r) {
          d.appendChild(raceView(r));
        });
        return d;
      }
    ]);
  if (data.lint)
    views.push([
      'Lint (' + data.findings.length + ')',
      function () {
        return lintView(data.findings);
      }
    ]);
  if (data.profiles.length)
    views.push([
      'Profiles (' + data.profiles.length + ')',
      function () {
        var d = el('div');
        data.conclusions.forEach(function (c) {
          d.appendChild(el('p', { className: 'warn', text: c }));
        });
        data.profiles.forEach(function (p, i) {
          d.appendChild(profileView(p, i));
        });
        return d;
      }
    ]);
  if (data.test)
    views.unshift([
      'Runs',
      function () {
        var t = el('table', {}, [
          el('tr', {}, [
            el('th', { text: 'test' }),
            el('th', { className: 'num', text: 'runs' }),
            el('th', { className: 'num', text: 'failures' })
          ])
        ]);
        data.test.tests.forEach(function (x) {
          t.appendChild(
            el('tr', {}, [
              el('td', { text: x.package + ' ' + x.name }),
              el('td', { className: 'num', text: String(x.runs) }),
              el('td', { className: x.failures ? 'num bad' : 'num', text: String(x.failures) })
            ])
          );
        });
        return el('section', {}, [el('p', { text: data.test.runs + ' run(s)' }), t]);
      }
    ]);
  var tabs = document.getElementById('tabs');
  var buttons = [];
  function show(i) {
    buttons.forEach(function (b, j) {
      b.setAttribute('aria-selected', String(i === j));
      b.tabIndex = i === j ? 0 : -1;
    });
    app.textContent = '';
    var view = views[i][1]();
    app.appendChild(view);
    Array.prototype.forEach.call(view.querySelectorAll('.flame'), function (f) {
      f.draw();
    });
  }
  views.forEach(function (view, i) {
    var b = el('button', { type: 'button', role: 'tab', text: view[0] });
    b.addEventListener('click', function () {
      show(i);
    });
    b.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        var next = (i + (e.key === 'ArrowRight' ? 1 : views.length - 1)) % views.length;
        show(next);
        buttons[next].focus();
      }
    });
    buttons.push(b);
    tabs.appendChild(b);
  });
  if (views.length) show(0);
  else
    app.appendChild(
      el('p', { className: 'empty', text: 'Nothing was found: no crash, race, finding or profile.' })
    );
  document.body.setAttribute('data-ready', 'true');
})();
`;
