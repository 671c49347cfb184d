// clvsim HTML reports: turns the page's chart descriptors (the JSON block #clvsim-charts)
// into Vega-Lite specifications over the page's data sets (#clvsim-data) and draws them with
// vega-embed. Every number a chart draws is a row of a data set; this script only chooses
// marks, axes and formats. Compiled into clvsim (engine/report/assets.cpp).
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('clvsim-data').textContent);
  var charts = JSON.parse(document.getElementById('clvsim-charts').textContent);
  var meta = data.meta || {};

  var BLUE = ['#c6dbef', '#6baed6', '#08519c'];
  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';

  // Axis label expressions per kind of number: money in k / M / bn, shares in percent.
  var LABELS = {
    money: "abs(datum.value) >= 1000 ? replace(format(datum.value, '.3~s'), 'G', 'bn') : format(datum.value, ',.0f')",
    count: "abs(datum.value) >= 10000 ? format(datum.value, '.3~s') : format(datum.value, ',~r')",
    share: "format(datum.value, '.0%')",
    points: "format(datum.value, ',~r')",
    number: "format(datum.value, ',~r')"
  };
  var TOOLTIP = { money: ',.0f', count: ',.0f', share: '.1%', points: '.2f', number: ',.3~f' };

  function axis(kind, extra) {
    var a = { labelExpr: LABELS[kind] || LABELS.number };
    for (var k in extra || {}) a[k] = extra[k];
    return a;
  }

  function datasets(names) {
    var out = {};
    (Array.isArray(names) ? names : [names]).forEach(function (n) {
      if (n) out[n] = data.datasets[n];
    });
    return out;
  }

  function titled(spec, c) {
    if (c.title) spec.title = c.subtitle ? { text: c.title, subtitle: c.subtitle } : c.title;
    return spec;
  }

  // A vertical marker (rule and label) at each row {x, label} of the named data set.
  function markerLayers(name, xKind) {
    if (!name) return [];
    var x = { field: 'x', type: 'quantitative' };
    return [
      { data: { name: name }, mark: { type: 'rule', color: '#b2182b', strokeDash: [4, 3] }, encoding: { x: x } },
      {
        // labels one under the other, so that markers close together stay readable
        data: { name: name },
        transform: [{ window: [{ op: 'row_number', as: 'rank' }] }, { calculate: '2 + (datum.rank - 1) * 14', as: 'ypx' }],
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, color: '#b2182b', fontSize: 11 },
        encoding: { x: x, y: { field: 'ypx', type: 'quantitative', scale: null }, text: { field: 'label' } }
      }
    ];
  }

  function zeroRule() {
    return { mark: { type: 'rule', color: '#555', strokeWidth: 1 }, encoding: { y: { datum: 0 } } };
  }

  // Fan chart: p05-p95 and p25-p75 bands and the median over periods, per variant (facet).
  function fan(c) {
    var bands = ['5–95% of paths', '25–75% of paths', 'median'];
    var color = function (label) {
      return { datum: label, type: 'nominal', scale: { domain: bands, range: BLUE }, legend: { title: null, orient: 'top' } };
    };
    var x = { field: 't', type: 'quantitative', title: c.x_title, axis: { tickMinStep: 1 } };
    var yScale = { zero: !!c.y_zero };
    var y = function (f) {
      return { field: f, type: 'quantitative', title: c.y_title, scale: yScale, axis: axis(c.y_format) };
    };
    var tip = ['p05', 'p25', 'p50', 'p75', 'p95'].map(function (f) {
      return { field: f, type: 'quantitative', format: TOOLTIP[c.y_format] || ',.3~f' };
    });
    tip.unshift({ field: 't', type: 'quantitative', title: c.x_title });
    var layers = [
      { mark: { type: 'area' }, encoding: { x: x, y: y('p05'), y2: { field: 'p95' }, color: color(bands[0]) } },
      { mark: { type: 'area' }, encoding: { x: x, y: y('p25'), y2: { field: 'p75' }, color: color(bands[1]) } },
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { x: x, y: y('p50'), color: color(bands[2]), tooltip: tip } }
    ];
    if (c.zero_rule) layers.push(zeroRule());
    if (c.facet) {
      return titled({
        data: { name: c.data },
        facet: { field: c.facet, type: 'nominal', sort: c.order, header: { title: null, labelFontSize: 13, labelFontWeight: 'bold' } },
        columns: c.columns || 3,
        spec: { width: c.width || 300, height: c.height || 170, layer: layers },
        resolve: { scale: { y: 'shared' } }
      }, c);
    }
    layers = layers.map(function (l) { l.data = { name: c.data }; return l; });
    return titled({ width: c.width || 640, height: c.height || 260, layer: layers.concat(markerLayers(c.markers)) }, c);
  }

  // Histogram of per-path values (binned by Vega-Lite), with the break-even line at 0.
  function histogram(c) {
    var x = { field: c.field || 'value', type: 'quantitative', bin: { maxbins: c.maxbins || 40 }, title: c.x_title, axis: axis(c.x_format) };
    var layers = [
      {
        mark: { type: 'bar', color: '#4292c6', tooltip: true },
        encoding: { x: x, y: { aggregate: 'count', type: 'quantitative', title: c.y_title || 'paths' } }
      }
    ];
    if (c.zero_rule) layers.push({ mark: { type: 'rule', color: '#b2182b', strokeWidth: 1.5 }, encoding: { x: { datum: 0 } } });
    if (c.facet) {
      return titled({
        data: { name: c.data },
        // panel names from the small labels data set, joined by name
        transform: c.labels ? [{ lookup: 'name', from: { data: { name: c.labels }, key: 'name', fields: ['label'] } }] : [],
        facet: { row: { field: c.facet, type: 'nominal', sort: c.order, header: { title: null, labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontSize: 12, labelFontWeight: 'bold' } } },
        spec: { width: c.width || 640, height: c.height || 80, layer: layers },
        resolve: { scale: { y: 'independent' } }
      }, c);
    }
    layers = layers.map(function (l) { l.data = { name: c.data }; return l; });
    return titled({ width: c.width || 640, height: c.height || 220, layer: layers.concat(markerLayers(c.markers)) }, c);
  }

  // Waterfall: bars from start to end per line, in the given order.
  function waterfall(c) {
    var kinds = ['start', 'raises net NPV', 'lowers net NPV', 'subtotal'];
    var x = { field: 'start', type: 'quantitative', title: c.x_title, axis: axis('money') };
    var y = { field: 'label', type: 'nominal', sort: c.order, title: null, axis: { labelLimit: 380 } };
    return titled({
      data: { name: c.data },
      width: c.width || 520,
      height: { step: 24 },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y: y, x: x, x2: { field: 'end' },
            color: { field: 'kind', type: 'nominal', scale: { domain: kinds, range: ['#9ecae1', '#1a9850', '#d73027', '#08519c'] }, legend: { title: null, orient: 'top' } },
            tooltip: [{ field: 'label', title: 'line' }, { field: 'contribution', format: ',.0f', title: 'contribution to net NPV' }, { field: 'end', format: ',.0f', title: 'running total' }]
          }
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
          encoding: { y: y, x: { field: 'right', type: 'quantitative' }, text: { field: 'contribution', type: 'quantitative', format: ',.0f' } }
        },
        { mark: { type: 'rule', color: '#555' }, encoding: { x: { datum: 0 } } }
      ]
    }, c);
  }

  // Tornado: mean output with the input in its lowest and highest decile, against the mean.
  function tornado(c) {
    var which = { tornado_low: 'input in its lowest 10%', tornado_high: 'input in its highest 10%' };
    return titled({
      data: { name: c.data },
      width: c.width || 520,
      height: { step: 22 },
      transform: [
        { calculate: 'abs(datum.tornado_high - datum.tornado_low)', as: 'swing' },
        { fold: ['tornado_low', 'tornado_high'], as: ['which', 'value'] },
        { calculate: "datum.which == 'tornado_low' ? '" + which.tornado_low + "' : '" + which.tornado_high + "'", as: 'draws' }
      ],
      layer: [
        {
          mark: { type: 'bar', opacity: 0.85 },
          encoding: {
            y: { field: 'parameter', type: 'nominal', sort: { field: 'swing', op: 'max', order: 'descending' }, title: null, axis: { labelLimit: 420 } },
            x: { field: 'value', type: 'quantitative', title: c.x_title, scale: { zero: false }, axis: axis(c.x_format) },
            x2: { field: 'output_mean' },
            color: { field: 'draws', type: 'nominal', scale: { domain: [which.tornado_low, which.tornado_high], range: ['#ef8a62', '#67a9cf'] }, legend: { title: null, orient: 'top' } },
            tooltip: [{ field: 'parameter' }, { field: 'draws' }, { field: 'value', format: TOOLTIP[c.x_format] || ',.3~f', title: 'mean output' }]
          }
        },
        { mark: { type: 'rule', color: '#333' }, encoding: { x: { field: 'output_mean', type: 'quantitative', aggregate: 'min' } } }
      ]
    }, c);
  }

  // Spearman rank correlation of each uncertain input with the output.
  function spearman(c) {
    return titled({
      data: { name: c.data },
      width: c.width || 420,
      height: { step: 22 },
      transform: [
        { calculate: 'abs(datum.spearman)', as: 'strength' },
        // p > 0.05: a correlation noise alone gives often (files before p_value: no grey)
        { calculate: "isValid(datum.p_value) && datum.p_value > 0.05 ? 'noise (p-value > 0.05)' : datum.spearman >= 0 ? 'raises the output' : 'lowers the output'", as: 'direction' }
      ],
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'parameter', type: 'nominal', sort: { field: 'strength', op: 'max', order: 'descending' }, title: null, axis: { labelLimit: 420 } },
        x: { field: 'spearman', type: 'quantitative', title: 'Spearman rank correlation with the output', scale: { domain: [-1, 1] } },
        color: { field: 'direction', type: 'nominal', scale: { domain: ['raises the output', 'lowers the output', 'noise (p-value > 0.05)'], range: ['#67a9cf', '#ef8a62', '#cccccc'] }, legend: { title: null, orient: 'top' } },
        tooltip: [{ field: 'parameter' }, { field: 'spearman', format: '+.3f' }, { field: 'p_value', title: 'p-value', format: '.3g' }]
      }
    }, c);
  }

  // A per-path KPI against the swept value: p05-p95 and p25-p75 ranges and the median.
  function sweep(c) {
    var x = { field: 'x', type: 'quantitative', title: c.x_title, scale: { zero: false } };
    var y = function (f) { return { field: f, type: 'quantitative', title: c.y_title, scale: { zero: false }, axis: axis(c.y_format) }; };
    var color = c.grouped ? { field: 'group', type: 'nominal', title: c.group_title } : { value: '#08519c' };
    return titled({
      data: { name: c.data },
      width: c.width || 520,
      height: c.height || 240,
      layer: [
        { mark: { type: 'rule', opacity: 0.6 }, encoding: { x: x, y: y('p05'), y2: { field: 'p95' }, color: color } },
        { mark: { type: 'rule', strokeWidth: 6, opacity: 0.6 }, encoding: { x: x, y: y('p25'), y2: { field: 'p75' }, color: color } },
        { mark: { type: 'line', point: true }, encoding: { x: x, y: y('p50'), color: color,
          tooltip: [{ field: 'variant' }, { field: 'x', title: c.x_title }, { field: 'p05', format: TOOLTIP[c.y_format] }, { field: 'p50', format: TOOLTIP[c.y_format] }, { field: 'p95', format: TOOLTIP[c.y_format] }] } }
      ]
    }, c);
  }

  // The results' CLV histogram (bin edges and counts) as shares of customers.
  function clvHistogram(c) {
    return titled({
      data: { name: c.data },
      width: c.width || 640,
      height: c.height || 240,
      transform: [
        { joinaggregate: [{ op: 'sum', field: 'count', as: 'customers' }], groupby: ['variant'] },
        { calculate: 'datum.count / datum.customers', as: 'share' }
      ],
      mark: { type: 'bar', color: '#4292c6', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'lo', type: 'quantitative', title: c.x_title, axis: axis('money') },
        x2: { field: 'hi' },
        y: { field: 'share', type: 'quantitative', title: 'share of customers', axis: axis('share') },
        y2: { datum: 0 },
        tooltip: [{ field: 'lo', format: ',.0f', title: 'from' }, { field: 'hi', format: ',.0f', title: 'to' },
          { field: 'count', format: ',.0f', title: 'customers' }, { field: 'share', format: '.2%' }]
      }
    }, c);
  }

  // Revenue concentration (Lorenz-type) curve per variant, with the line of equal shares.
  function lorenz(c) {
    var x = { field: 'top_share_of_customers', type: 'quantitative', title: 'top share of customers (ranked by revenue)', axis: axis('share'), scale: { domain: [0, 1] } };
    var y = { field: 'share_of_revenue', type: 'quantitative', title: 'share of revenue', axis: axis('share'), scale: { domain: [0, 1] } };
    return titled({
      width: c.width || 420,
      height: c.height || 300,
      layer: [
        {
          data: { values: [{ a: 0, b: 0 }, { a: 1, b: 1 }] },
          mark: { type: 'line', color: '#999', strokeDash: [4, 4] },
          encoding: { x: { field: 'a', type: 'quantitative', scale: { domain: [0, 1] } }, y: { field: 'b', type: 'quantitative', scale: { domain: [0, 1] } } }
        },
        {
          data: { name: c.data },
          mark: { type: 'line', point: true },
          encoding: { x: x, y: y, color: { field: 'variant', type: 'nominal', sort: c.order, title: null, legend: { orient: 'top' } },
            tooltip: [{ field: 'variant' }, { field: 'top_share_of_customers', format: '.0%' }, { field: 'share_of_revenue', format: '.1%' }] }
        }
      ]
    }, c);
  }

  // Mean with a p05-p95 range per segment (grouped by variant or investment).
  function segmentBars(c) {
    var y = { field: 'segment', type: 'nominal', title: null };
    var group = c.group || 'variant';
    var x = { field: 'mean', type: 'quantitative', title: c.x_title, axis: axis(c.x_format) };
    return titled({
      data: { name: c.data },
      width: c.width || 520,
      height: { step: 16 },
      encoding: { y: y, yOffset: { field: group, sort: c.order } },
      layer: [
        { mark: { type: 'bar', opacity: 0.8 }, encoding: { x: x, color: { field: group, type: 'nominal', sort: c.order, title: null, legend: { orient: 'top' } }, tooltip: [{ field: 'segment' }, { field: group }, { field: 'mean', format: TOOLTIP[c.x_format] }, { field: 'p05', format: TOOLTIP[c.x_format] }, { field: 'p95', format: TOOLTIP[c.x_format] }] } },
        { mark: { type: 'rule', color: '#333' }, encoding: { x: { field: 'p05', type: 'quantitative' }, x2: { field: 'p95' } } }
      ]
    }, c);
  }

  // Lines (and points) per series: calibration vs holdout tracking, conditional expectations.
  function lines(c) {
    var x = { field: 'x', type: c.x_type || 'quantitative', title: c.x_title, sort: c.x_order, axis: c.x_type === 'ordinal' ? { labelAngle: 0 } : {} };
    var y = { field: 'y', type: 'quantitative', title: c.y_title, axis: axis(c.y_format || 'number') };
    var color = { field: 'series', type: 'nominal', sort: c.order, title: null, legend: { orient: 'top' } };
    if (c.colors) color.scale = { domain: c.order, range: c.colors };
    var main = {
      data: { name: c.data },
      mark: { type: 'line', point: !!c.points, strokeWidth: 2 },
      encoding: { x: x, y: y, color: color,
        tooltip: [{ field: 'series' }, { field: 'x', title: c.x_title }, { field: 'y', format: TOOLTIP[c.y_format] || ',.3~f', title: c.y_title }] }
    };
    return titled({ width: c.width || 640, height: c.height || 260, layer: [main].concat(markerLayers(c.markers)) }, c);
  }

  // A heat map of one value over two grid coordinates (P(alive) by frequency and recency).
  function heatmap(c) {
    return titled({
      data: { name: c.data },
      width: c.width || 560,
      height: c.height || 300,
      mark: { type: 'rect' },
      encoding: {
        x: { field: c.x_field, type: 'ordinal', title: c.x_title, axis: { labelAngle: 0, labelExpr: c.x_label_expr || 'datum.label', labelOverlap: true } },
        y: { field: c.y_field, type: 'ordinal', title: c.y_title, sort: 'descending', axis: { labelOverlap: true } },
        color: { field: c.color_field, type: 'quantitative', title: c.color_title, scale: { domain: [0, 1], scheme: 'blues' }, legend: { format: '.0%' } },
        tooltip: [{ field: c.x_field, title: c.x_title, format: '.1f' }, { field: c.y_field, title: c.y_title }, { field: c.color_field, title: c.color_title, format: '.1%' }]
      }
    }, c);
  }

  var BUILDERS = {
    fan: fan, histogram: histogram, waterfall: waterfall, tornado: tornado, spearman: spearman,
    sweep: sweep, clv_histogram: clvHistogram, lorenz: lorenz, segment_bars: segmentBars,
    lines: lines, heatmap: heatmap
  };

  var CONFIG = {
    font: FONT,
    axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', grid: true, gridColor: '#eee' },
    legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 360 },
    header: { labelFontSize: 12 },
    title: { fontSize: 14, subtitleFontSize: 12, anchor: 'start', subtitleColor: '#555' },
    view: { stroke: '#ddd' }
  };

  var rendered = 0, failed = 0;
  var jobs = charts.map(function (c) {
    var el = document.getElementById(c.id);
    var build = BUILDERS[c.kind];
    if (!build) {
      failed += 1;
      console.error('clvsim report: unknown chart kind ' + c.kind + ' (' + c.id + ')');
      return Promise.resolve();
    }
    var spec = build(c);
    spec.datasets = datasets([c.data, c.markers, c.labels]);
    spec.config = CONFIG;
    spec.background = 'white';
    spec.padding = 8;
    return vegaEmbed(el, spec, { renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false }, mode: 'vega-lite' })
      .then(function () {
        rendered += 1;
        el.setAttribute('data-rendered', 'true');
      })
      .catch(function (e) {
        failed += 1;
        el.textContent = 'This chart could not be drawn: ' + e;
        console.error('clvsim report: ' + c.id + ' (' + c.kind + '): ' + e);
      });
  });
  Promise.all(jobs).then(function () {
    document.body.setAttribute('data-charts-rendered', String(rendered));
    document.body.setAttribute('data-charts-failed', String(failed));
  });
})();
