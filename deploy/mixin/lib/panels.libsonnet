// Small builders for the Grafana panels this mixin uses (schema 39), so the mixin needs no
// vendored library: jsonnet alone renders it.
local datasource = { type: 'prometheus', uid: '${datasource}' };

local target(expr, legend='', refId='A', instant=false) = {
  refId: refId,
  datasource: datasource,
  expr: expr,
  legendFormat: legend,
} + (if instant then { instant: true, range: false, format: 'table' } else { range: true });

local base(type, title, description, w, h) = {
  type: type,
  title: title,
  description: description,
  datasource: datasource,
  w:: w,
  h:: h,
};

// Value mappings from a {value: [text, color]} object.
local mappings(m) = [{
  type: 'value',
  options: {
    [k]: { text: m[k][0], index: std.parseInt(k) } + (if std.length(m[k]) > 1 then { color: m[k][1] } else {})
    for k in std.objectFields(m)
  },
}];

{
  target:: target,
  mappings:: mappings,

  // A stat: the current value only (an instant query), so a host that stopped answering
  // shows "No data" rather than the last value it had hours ago.
  stat(title, description, expr, unit='none', valueMappings={}, w=4, h=4)::
    base('stat', title, description, w, h) {
      targets: [target(expr, '{{instance}}', instant=true)],
      fieldConfig: {
        defaults: {
          unit: unit,
          noValue: 'No data',
          mappings: if valueMappings == {} then [] else mappings(valueMappings),
          color: { mode: if valueMappings == {} then 'fixed' else 'thresholds', fixedColor: 'text' },
          thresholds: { mode: 'absolute', steps: [{ color: 'text', value: null }] },
        },
        overrides: [],
      },
      options: {
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        colorMode: if valueMappings == {} then 'none' else 'background',
        graphMode: 'none',
        textMode: 'value_and_name',
        orientation: 'auto',
        justifyMode: 'auto',
      },
    },

  timeseries(title, description, targets, unit='none', w=12, h=8, stack=false)::
    base('timeseries', title, description, w, h) {
      targets: [
        target(targets[i][0], targets[i][1], std.char(65 + i))
        for i in std.range(0, std.length(targets) - 1)
      ],
      fieldConfig: {
        defaults: {
          unit: unit,
          min: 0,
          custom: { fillOpacity: if stack then 30 else 10, stacking: { mode: if stack then 'normal' else 'none' } },
        },
        overrides: [],
      },
      options: {
        legend: { displayMode: 'table', placement: 'right', calcs: ['lastNotNull', 'max'] },
        tooltip: { mode: 'multi', sort: 'desc' },
      },
    },

  // A table of instant queries, one column per query (named by `columns`), merged into one
  // row per series so the values of one host stand side by side.
  table(title, description, targets, w=24, h=6, valueMappings={}, hide=[])::
    base('table', title, description, w, h) {
      local refs = [std.char(65 + i) for i in std.range(0, std.length(targets) - 1)],
      targets: [target(targets[i][0], '', refs[i], instant=true) for i in std.range(0, std.length(targets) - 1)],
      transformations: [
        { id: 'merge', options: {} },
        {
          id: 'organize',
          options: {
            excludeByName: { Time: true, __name__: true } + { [h]: true for h in hide },
            renameByName: (
              if std.length(targets) == 1 then { Value: targets[0][1] }
              else { ['Value #' + refs[i]]: targets[i][1] for i in std.range(0, std.length(targets) - 1) }
            ),
          },
        },
      ],
      fieldConfig: {
        defaults: {
          noValue: 'No data',
          mappings: if valueMappings == {} then [] else mappings(valueMappings),
        },
        overrides: [],
      },
      options: { showHeader: true, footer: { show: false } },
    },

  // Rows of panels laid out left to right, wrapping at the grid's 24 columns; ids in order.
  layout(rows)::
    local place(acc, panel) =
      local wrap = acc.x + panel.w > 24;
      local x = if wrap then 0 else acc.x;
      local y = if wrap then acc.y + acc.rowh else acc.y;
      {
        x: x + panel.w,
        y: y,
        rowh: if wrap then panel.h else std.max(acc.rowh, panel.h),
        panels: acc.panels + [panel { gridPos: { x: x, y: y, w: panel.w, h: panel.h } }],
      };
    local addRow(acc, row) =
      local top = acc.y + acc.rowh;
      local header = { type: 'row', title: row.title, collapsed: false, panels: [], gridPos: { x: 0, y: top, w: 24, h: 1 } };
      std.foldl(place, row.panels, { x: 0, y: top + 1, rowh: 0, panels: acc.panels + [header] });
    local all = std.foldl(addRow, rows, { x: 0, y: 0, rowh: 0, panels: [] }).panels;
    [all[i] { id: i + 1 } for i in std.range(0, std.length(all) - 1)],
}
