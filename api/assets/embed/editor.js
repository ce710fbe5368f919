// The editors' page at /embed: fills the municipality list from the API, keeps the preview and
// the snippet in step with the form, copies the snippet.
(() => {
  'use strict';
  const DOCS = /*@documents*/ {};
  const $ = (id) => document.getElementById(id);
  const widget = document.querySelector('#preview amb-plan-widget');
  const fields = ['municipality', 'lang', 'view', 'limit', 'heading', 'plan-url'];

  const attr = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

  function update() {
    const s = {
      municipality: $('municipality').value,
      lang: $('lang').value,
      view: $('view').value,
      limit: $('limit').value,
      'heading-level': $('heading').value,
      'plan-url': $('plan-url').validity.valid ? $('plan-url').value.trim() : '',
    };
    const parts = [`municipality="${attr(s.municipality)}"`, `lang="${attr(s.lang)}"`];
    if (s.view !== 'overview') parts.push(`view="${attr(s.view)}"`);
    if (s.limit && s.limit !== '5') parts.push(`limit="${attr(s.limit)}"`);
    if (s['heading-level'] !== '2') parts.push(`heading-level="${attr(s['heading-level'])}"`);
    if (s['plan-url']) parts.push(`plan-url="${attr(s['plan-url'])}"`);
    for (const [k, v] of Object.entries(s)) {
      if (v) widget.setAttribute(k, v); else widget.removeAttribute(k);
    }
    $('snippet').value =
      `<script src="${location.origin}/embed/v1/plan-widget.js" defer></script>\n` +
      `<amb-plan-widget ${parts.join(' ')}></amb-plan-widget>`;
    $('copied').textContent = '';
  }

  function copy() {
    const text = $('snippet').value;
    const done = () => { $('copied').textContent = 'Copied.'; };
    const fallback = () => {
      $('snippet').select();
      $('copied').textContent = 'Press Ctrl+C (or ⌘C) to copy the selected snippet.';
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  async function municipalities() {
    const url = `/graphql?${new URLSearchParams({ query: DOCS.AmbEmbedMunicipalities, operationName: 'AmbEmbedMunicipalities' })}`;
    try {
      const body = await (await fetch(url, { headers: { Accept: 'application/json' } })).json();
      const list = body.data.municipalities;
      const select = $('municipality');
      const chosen = select.value;
      select.replaceChildren(...list.map((m) => {
        const o = document.createElement('option');
        o.value = m.ineCode;
        o.textContent = `${m.name} (${m.ineCode})`;
        o.selected = m.ineCode === chosen;
        return o;
      }));
      $('load-status').textContent = `${list.length} municipalities.`;
    } catch (_) {
      $('load-status').textContent = 'The list of municipalities could not be loaded; reload the page to try again.';
    }
  }

  for (const id of fields) $(id).addEventListener('input', update);
  $('choose').addEventListener('submit', (e) => e.preventDefault());
  $('copy').addEventListener('click', copy);
  update();
  municipalities();
})();
