// The Spine Platform console: worklist, study viewer and failures, on the reporting service's /console/api.
// Plain DOM, no framework and nothing from another origin; text is always set as text, never as markup.
'use strict';

const api = '/console/api';
const main = () => document.getElementById('main');
let poll = null;

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function getJson(path) {
  const response = await fetch(api + path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return response.json();
}

function say(text) { document.getElementById('status').textContent = text; }
function time(iso) { return new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }); }
function seconds(value) { return value < 90 ? `${value.toFixed(1)} s` : `${(value / 60).toFixed(1)} min`; }
function stages(row) { return row.stages.map(s => `${s.stage} ${seconds(s.seconds)}${s.running ? ' (running)' : ''}`).join(', '); }
function studyLink(id) { return el('a', { href: `#/studies/${id}`, class: 'study-id' }, id); }

// ---- worklist -------------------------------------------------------------------------------------------------------

const worklist = { status: '', from: '', to: '', skip: 0, take: 25 };

function renderWorklist() {
  const form = el('form', { class: 'filters', role: 'search', 'aria-label': 'Filter studies', onsubmit: e => { e.preventDefault(); worklist.skip = 0; refreshWorklist(); } },
    el('label', {}, 'Status', el('select', { id: 'filter-status', onchange: e => { worklist.status = e.target.value; worklist.skip = 0; refreshWorklist(); } },
      ['', 'Received', 'InProgress', 'Completed', 'Failed'].map(s => el('option', { value: s, selected: s === worklist.status }, s || 'any')))),
    el('label', {}, 'Received from', el('input', { id: 'filter-from', type: 'date', value: worklist.from, onchange: e => { worklist.from = e.target.value; worklist.skip = 0; refreshWorklist(); } })),
    el('label', {}, 'Received to', el('input', { id: 'filter-to', type: 'date', value: worklist.to, onchange: e => { worklist.to = e.target.value; worklist.skip = 0; refreshWorklist(); } })));
  const table = el('table', { id: 'worklist' },
    el('caption', {}, 'Studies, newest first (updates every 2 seconds)'),
    el('thead', {}, el('tr', {}, ['Received', 'Study', 'Status', 'Stage', 'Time in each stage', 'Moderate or worse', 'Failure'].map(h => el('th', { scope: 'col' }, h)))),
    el('tbody'));
  const pager = el('div', { class: 'pager' },
    el('button', { type: 'button', id: 'previous', onclick: () => { worklist.skip = Math.max(0, worklist.skip - worklist.take); refreshWorklist(); } }, 'Previous page'),
    el('span', { id: 'range' }),
    el('button', { type: 'button', id: 'next', onclick: () => { worklist.skip += worklist.take; refreshWorklist(); } }, 'Next page'));
  main().replaceChildren(el('h1', {}, 'Worklist'), form, table, pager);
  refreshWorklist();
  poll = setInterval(refreshWorklist, 2000);
}

async function refreshWorklist() {
  const query = new URLSearchParams({ skip: worklist.skip, take: worklist.take });
  if (worklist.status) query.set('status', worklist.status);
  if (worklist.from) query.set('from', worklist.from);
  if (worklist.to) query.set('to', worklist.to);
  const page = await getJson(`/worklist?${query}`);
  const body = document.querySelector('#worklist tbody');
  if (!body) return;
  body.replaceChildren(...page.studies.map(row => el('tr', { 'data-study': row.studyId },
    el('td', {}, time(row.receivedAt)),
    el('td', {}, studyLink(row.studyId)),
    el('td', { class: `status-${row.status}`, 'data-status': row.status }, row.status),
    el('td', {}, row.stage ?? ''),
    el('td', {}, stages(row)),
    el('td', {}, row.moderateOrWorse ?? ''),
    el('td', { class: 'reason' }, row.failure ?? ''))));
  if (page.studies.length === 0) body.append(el('tr', {}, el('td', { colspan: 7 }, 'No study matches.')));
  const last = Math.min(page.total, page.skip + page.studies.length);
  document.getElementById('range').textContent = page.total === 0 ? 'none' : `${page.skip + 1} to ${last} of ${page.total}`;
  document.getElementById('previous').disabled = page.skip === 0;
  document.getElementById('next').disabled = last >= page.total;
}

// ---- failures -------------------------------------------------------------------------------------------------------

async function renderFailures() {
  const rows = await getJson('/failures');
  const table = el('table', { id: 'failures' },
    el('caption', {}, 'Failed studies, and studies in progress that have not changed for 15 minutes'),
    el('thead', {}, el('tr', {}, ['Study', 'Kind', 'Stage', 'Reason', 'Received', 'Last change', 'Action'].map(h => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.length === 0 ? el('tr', {}, el('td', { colspan: 7 }, 'None.')) : rows.map(r => el('tr', { 'data-study': r.studyId },
      el('td', {}, studyLink(r.studyId)), el('td', {}, r.kind), el('td', {}, r.stage ?? ''), el('td', { class: 'reason' }, r.reason ?? ''),
      el('td', {}, time(r.receivedAt)), el('td', {}, time(r.updatedAt)),
      el('td', {}, r.kind === 'failed' ? rerunForm(r.studyId, r.stage) : '')))));
  main().replaceChildren(el('h1', {}, 'Failures'), table);
}

// Run a completed or failed study again from a stage it reached (operate role; the ledger records who asked).
const rerunnable = ['Preprocessing', 'Segmentation', 'Classification', 'Explanation', 'Reporting'];

function rerunForm(id, stage) {
  const chosen = rerunnable.includes(stage) ? stage : rerunnable[0];
  const select = el('select', { 'aria-label': 'Stage to run again from', 'data-rerun-stage': id }, rerunnable.map(s => el('option', { value: s, selected: s === chosen }, s)));
  const outcome = el('span', { role: 'status', 'data-rerun-outcome': id });
  return el('form', { class: 'rerun', onsubmit: async e => {
    e.preventDefault();
    const response = await fetch(`/console/studies/${id}/rerun`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ from: select.value }) });
    const body = await response.json().catch(() => ({}));
    outcome.textContent = response.status === 202 ? `Re-run from ${select.value} queued.` : `Refused (${response.status}): ${body.detail ?? body.title ?? ''}`;
    say(outcome.textContent);
  } }, select, ' ', el('button', { type: 'submit' }, 'Re-run'), ' ', outcome);
}

// ---- study ----------------------------------------------------------------------------------------------------------

const columns = [
  ['CentralCanalStenosis', 'None', 'Central canal'],
  ['ForaminalStenosis', 'Left', 'Left foramen'], ['ForaminalStenosis', 'Right', 'Right foramen'],
  ['FacetArthropathy', 'Left', 'Left facet'], ['FacetArthropathy', 'Right', 'Right facet'],
];

async function renderStudy(id) {
  const view = await getJson(`/studies/${id}`);
  const s = view.study;
  const heading = el('h1', {}, `Study ${id}`);
  const facts = el('p', {}, el('span', { class: `status-${s.status}`, id: 'study-status' }, s.status), ` · stage ${s.stage ?? 'none'} · received ${time(s.receivedAt)} · ${stages(s)}`,
    s.failure ? el('span', { class: 'reason' }, ` · ${s.failure}`) : null);
  const links = el('p', { class: 'links' },
    el('a', { href: `/console/studies/${id}/report?format=html` }, 'Report (HTML)'), el('a', { href: `/console/studies/${id}/report?format=pdf` }, 'Report (PDF)'),
    el('a', { href: `/console/studies/${id}/report` }, 'Report (JSON)'), el('a', { href: `/console/studies/${id}/fhir` }, 'FHIR bundle'));
  const actions = s.status === 'Completed' || s.status === 'Failed' ? el('div', {}, el('h2', {}, 'Run again'), rerunForm(id, s.status === 'Failed' ? s.stage : 'Preprocessing')) : null;
  const exports = view.exports.length === 0 ? null : exportsSection(id, view.exports, s.status === 'Completed');
  if (view.levels.length === 0) {
    main().replaceChildren(heading, facts, el('p', {}, 'No report yet: the findings and images appear here once the study is reported.'), actions, exports, transitionsTable(view.transitions));
    return;
  }

  const state = { index: 0, outline: true, heat: false, finding: null, center: '', width: '' };
  const firstGraded = view.slices.find(x => x.readOn);
  if (firstGraded) state.index = firstGraded.index;
  const image = el('img', { id: 'slice-image', alt: '' });
  const where = el('span', { class: 'marker where', id: 'slice-where' });
  const leftMarker = el('span', { class: 'marker left', id: 'marker-left', 'aria-hidden': 'true' });
  const rightMarker = el('span', { class: 'marker right', id: 'marker-right', 'aria-hidden': 'true' });
  const viewer = el('div', { class: 'viewer', id: 'viewer', tabindex: 0, role: 'group', 'aria-label': 'Source images: arrow keys or Page Up and Page Down change slice',
    onkeydown: e => {
      const step = { ArrowDown: 1, ArrowRight: 1, PageDown: 5, ArrowUp: -1, ArrowLeft: -1, PageUp: -5 }[e.key];
      if (step) { e.preventDefault(); show(state.index + step); }
    } }, image, where, leftMarker, rightMarker);
  const slider = el('input', { id: 'slice', type: 'range', min: 0, max: view.slices.length - 1, value: state.index, oninput: e => show(Number(e.target.value)) });
  const outline = el('input', { id: 'toggle-outline', type: 'checkbox', checked: state.outline, onchange: e => { state.outline = e.target.checked; show(state.index); } });
  const heat = el('input', { id: 'toggle-heat', type: 'checkbox', checked: state.heat, onchange: e => { state.heat = e.target.checked; show(state.index); } });
  const center = el('input', { id: 'window-center', type: 'number', step: 'any', placeholder: 'auto', size: 7, onchange: e => { state.center = e.target.value; show(state.index); } });
  const width = el('input', { id: 'window-width', type: 'number', step: 'any', min: 1, placeholder: 'auto', size: 7, onchange: e => { state.width = e.target.value; show(state.index); } });
  const controls = el('div', { class: 'controls' },
    el('label', {}, 'Slice ', slider),
    el('label', {}, outline, ' Segmentation outline'),
    el('label', {}, heat, ' Heat map of the selected finding'),
    el('label', {}, 'Window centre ', center), el('label', {}, 'width ', width),
    el('button', { type: 'button', onclick: () => { state.center = state.width = ''; center.value = width.value = ''; show(state.index); } }, 'Auto window'));
  const detail = el('div', { id: 'finding-detail', 'aria-live': 'polite' }, el('p', {}, 'Select a finding in the grid to see its measurements, rationale and heat map.'));

  let request = 0;
  async function show(index) {
    state.index = Math.max(0, Math.min(view.slices.length - 1, index));
    slider.value = state.index;
    const slice = view.slices[state.index];
    const query = new URLSearchParams({ outline: state.outline });
    if (state.heat && state.finding) query.set('heat', state.finding.name);
    if (state.center !== '' && state.width !== '') { query.set('center', state.center); query.set('width', state.width); }
    const mine = ++request;
    const response = await fetch(`${api}/studies/${id}/slices/${state.index}?${query}`);
    if (mine !== request) return;
    if (!response.ok) { say(`slice ${state.index}: ${response.status}`); return; }
    const right = response.headers.get('X-Image-Right-Edge') ?? '';
    const blob = await response.blob();
    if (mine !== request) return;
    if (image.src) URL.revokeObjectURL(image.src);
    image.src = URL.createObjectURL(blob);
    leftMarker.textContent = right === 'L' ? 'R' : right === 'R' ? 'L' : '';
    rightMarker.textContent = right;
    const text = `Slice ${state.index + 1} of ${view.slices.length}${slice.level ? `, ${slice.level}` : ''}${slice.readOn ? ', graded here' : ''}`;
    where.textContent = text;
    image.alt = `Axial image, ${text}${state.outline ? ', segmentation outlined' : ''}${state.heat && state.finding ? `, heat map of ${state.finding.label}` : ''}`;
    image.dataset.slice = String(state.index);
    image.dataset.heat = state.heat && state.finding ? state.finding.name : '';
    image.dataset.outline = String(state.outline);
  }

  function select(finding, label, button) {
    state.finding = { ...finding, label };
    for (const other of document.querySelectorAll('.grid td button')) other.setAttribute('aria-pressed', String(other === button));
    detail.replaceChildren(findingDetail(finding, label));
    if (finding.heatMapSlice !== null && finding.heatMapSlice !== undefined) show(finding.heatMapSlice); else show(state.index);
  }

  const grid = el('table', { class: 'grid', id: 'findings' },
    el('caption', {}, 'Findings by level (grade, and the probability of moderate or worse)'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Level'), columns.map(c => el('th', { scope: 'col' }, c[2])))),
    el('tbody', {}, view.levels.map(level => el('tr', {},
      el('th', { scope: 'row' }, level.level, level.uncertain ? ' (level uncertain)' : ''),
      level.notAssessable ? el('td', { colspan: columns.length }, `Not assessable: ${level.notAssessable}`)
        : columns.map(([kind, side, title]) => {
          const finding = level.findings.find(f => f.kind === kind && f.side === side);
          if (!finding) return el('td', {}, '');
          const label = `${level.level} ${title.toLowerCase()}`;
          const significant = finding.probabilities.slice(2).reduce((a, b) => a + b, 0);
          const button = el('button', { type: 'button', 'aria-pressed': 'false', 'data-finding': finding.name, class: `g${finding.grade}`,
            onclick: e => select(finding, label, e.currentTarget) }, `${finding.gradeName} (${significant.toFixed(2)})`);
          button.setAttribute('aria-label', `${label}: ${finding.gradeName}, probability of moderate or worse ${significant.toFixed(2)}`);
          return el('td', {}, button);
        })))));

  const models = el('ul', {}, view.models.map(m => el('li', {}, `${m.name} ${m.version}: ${m.trainingData}`)));
  main().replaceChildren(heading, facts, links,
    el('div', { class: 'study' },
      el('section', { 'aria-label': 'Images', class: 'panel' }, el('h2', {}, 'Source axial series'), viewer, controls),
      el('section', { 'aria-label': 'Findings', class: 'panel' }, el('h2', {}, 'Findings'), grid, detail, el('h2', {}, 'Models'), models,
        el('p', {}, view.disclaimer ?? ''))),
    exports, actions, transitionsTable(view.transitions));
  show(state.index);
}

// Where the results stand at each export destination, followed every 3 seconds, with a resend (operate role).
function exportsSection(id, rows, reported) {
  const body = el('tbody');
  const outcome = el('span', { role: 'status', id: 'resend-outcome' });
  const fill = list => body.replaceChildren(...list.map(e => el('tr', { 'data-destination': e.destination },
    el('td', {}, e.destination), el('td', {}, e.kind), el('td', { 'data-export-status': e.status }, e.status), el('td', {}, e.attempts),
    el('td', {}, e.at ? time(e.at) : ''), el('td', { class: 'reason' }, e.detail ?? ''),
    el('td', {}, reported ? el('button', { type: 'button', 'data-resend': e.destination, onclick: () => resend(e.destination) }, `Resend to ${e.destination}`) : ''))));
  async function resend(destination) {
    const response = await fetch(`/console/studies/${id}/export`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ destination }) });
    const answer = await response.json().catch(() => ({}));
    outcome.textContent = response.status === 202 ? `Resend to ${destination ?? 'every destination'} queued.` : `Refused (${response.status}): ${answer.detail ?? answer.title ?? ''}`;
    say(outcome.textContent);
  }
  fill(rows);
  poll = setInterval(async () => { const view = await getJson(`/studies/${id}`); fill(view.exports); }, 3000);
  return el('div', {}, el('h2', {}, 'Exports'),
    el('table', { id: 'exports' }, el('caption', {}, 'Results sent to PACS and FHIR servers (latest attempt per destination)'),
      el('thead', {}, el('tr', {}, ['Destination', 'Kind', 'Status', 'Attempts', 'Last attempt', 'Detail', 'Action'].map(h => el('th', { scope: 'col' }, h)))), body),
    reported ? el('p', {}, el('button', { type: 'button', onclick: () => resend(null) }, 'Resend to every destination'), ' ', outcome) : null);
}

function findingDetail(finding, label) {
  const probabilities = finding.probabilities.map((p, grade) => `${['normal', 'mild', 'moderate', 'severe'][grade]} ${p.toFixed(2)}`).join(', ');
  return el('div', {},
    el('h2', {}, `${label}: ${finding.gradeName}`),
    el('p', {}, finding.rationale ?? 'No rationale was given.'),
    el('dl', { class: 'measures' },
      el('dt', {}, 'Probabilities'), el('dd', {}, probabilities),
      finding.measurements.flatMap(m => [el('dt', {}, m.name), el('dd', {}, `${m.value.toFixed(2)} ${m.unit === '1' ? '' : m.unit}`)]),
      el('dt', {}, 'Model'), el('dd', {}, finding.model),
      el('dt', {}, 'Heat map'), el('dd', {}, finding.hasHeatMap ? `on slice ${finding.heatMapSlice + 1}` : 'none (graded by a rule)')));
}

function transitionsTable(transitions) {
  return el('table', { id: 'transitions' },
    el('caption', {}, 'What happened to the study'),
    el('thead', {}, el('tr', {}, ['Time', 'Stage', 'Outcome', 'Detail'].map(h => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, transitions.map(t => el('tr', {}, el('td', {}, time(t.at)), el('td', {}, t.stage), el('td', {}, t.outcome), el('td', {}, t.detail ?? '')))));
}

// ---- routing --------------------------------------------------------------------------------------------------------

async function route() {
  clearInterval(poll);
  poll = null;
  const hash = location.hash || '#/';
  const study = /^#\/studies\/([0-9a-f-]{36})$/.exec(hash);
  const name = study ? 'study' : hash === '#/failures' ? 'failures' : 'worklist';
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  document.title = `${name === 'study' ? 'Study' : name === 'failures' ? 'Failures' : 'Worklist'} · Spine Platform console`;
  try {
    if (study) await renderStudy(study[1]);
    else if (name === 'failures') await renderFailures();
    else renderWorklist();
  } catch (error) {
    main().replaceChildren(el('h1', {}, 'Something went wrong'), el('p', { class: 'reason' }, String(error.message ?? error)));
  }
  main().focus({ preventScroll: true });
}

// Routes are '#/...'; any other fragment (the skip link's) is left to the browser.
window.addEventListener('hashchange', () => { if (location.hash === '' || location.hash.startsWith('#/')) route(); });
window.addEventListener('DOMContentLoaded', () => {
  document.querySelector('.skip').addEventListener('click', e => { e.preventDefault(); main().focus(); });
  route();
});
