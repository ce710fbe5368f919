/*! <amb-plan-widget> v1: a municipality's part in the AMB Internationalisation Plan, for
 * municipal portals. Served by plan-api at /embed/v1/plan-widget.js; no dependencies.
 *
 *   <script src="https://API/embed/v1/plan-widget.js" defer></script>
 *   <amb-plan-widget municipality="08101" lang="ca"></amb-plan-widget>
 *
 * Attributes: municipality (INE code), lang (ca, es, en, fr), plan (a plan's code; the
 * current plan when left out), view (overview, actions,
 * activities, projects, progress), limit (items per list, 1-50), heading-level (1-5),
 * plan-url (where "the plan" links to), api (the API's base URL; default: where this file
 * came from). Theme: the --amb-widget-* custom properties below. Works under a strict CSP:
 * no eval, no inline styles (constructable stylesheets; bars sized through the CSSOM), no
 * markup parsed from strings (Trusted Types too). */
(() => {
  'use strict';
  if (typeof window === 'undefined' || !window.customElements || customElements.get('amb-plan-widget')) return;

  // Filled in by plan-api from api/assets/embed/*.graphql: { operationName: document }.
  const DOCS = /*@documents*/ {};
  const script = document.currentScript;
  const DEFAULT_API = script && script.src ? new URL(script.src).origin : location.origin;
  const DEFAULT_PLAN_URL = 'https://www.amb.cat/';
  const LANGS = ['ca', 'es', 'en', 'fr'];
  const VIEWS = ['overview', 'actions', 'activities', 'projects', 'progress'];
  const TIMEOUT_MS = 15000;

  // The widget's own words (the plan's texts come from the API in the language asked for).
  const T = {
    ca: {
      loading: 'S’està carregant el Pla d’Internacionalització…',
      progress: 'Avenç per línia estratègica', actions: 'Accions en què participa el municipi',
      activities: 'Activitats publicades', projects: 'Projectes amb finançament publicats',
      responsible: 'Responsables', line: 'Línia', mean: 'Avenç mitjà',
      reported: (r, n) => `${r} de ${n} accions amb avenç publicat`,
      noProgress: 'Sense avenç publicat', none: 'Encara no n’hi ha cap de publicat.',
      all: (n) => `Mostra’ls tots (${n})`, fewer: 'Mostra’n menys',
      unreachable: 'Ara mateix no es poden mostrar les dades del Pla d’Internacionalització de l’AMB.',
      unknown: (c) => `No hi ha cap municipi de l’AMB amb el codi «${c}».`,
      plan: 'Consulteu el Pla d’Internacionalització de l’AMB',
      status: { NOT_STARTED: 'No iniciada', IN_PROGRESS: 'En curs', DELAYED: 'Endarrerida', COMPLETED: 'Completada', DISCONTINUED: 'Interrompuda' },
      kind: { DELEGATION_RECEIVED: 'Delegació rebuda', EVENT: 'Esdeveniment', FORUM: 'Fòrum', JOINT_POSITION: 'Posicionament conjunt', KNOWLEDGE_TRANSFER: 'Transferència de coneixement', NETWORK_MEETING: 'Reunió de xarxa', STUDY_SEMINAR: 'Estudi o seminari', STUDY_VISIT: 'Visita d’estudi' },
      pstatus: { APPLIED: 'Sol·licitat', AWARDED: 'Concedit', CLOSED: 'Finalitzat', IN_EXECUTION: 'En execució', REJECTED: 'Denegat' },
      programme: { EIB_LOAN: 'Préstec del BEI', OTHER: 'Altres programes' },
    },
    es: {
      loading: 'Cargando el Plan de Internacionalización…',
      progress: 'Avance por línea estratégica', actions: 'Acciones en las que participa el municipio',
      activities: 'Actividades publicadas', projects: 'Proyectos con financiación publicados',
      responsible: 'Responsables', line: 'Línea', mean: 'Avance medio',
      reported: (r, n) => `${r} de ${n} acciones con avance publicado`,
      noProgress: 'Sin avance publicado', none: 'Todavía no hay ninguno publicado.',
      all: (n) => `Mostrar todos (${n})`, fewer: 'Mostrar menos',
      unreachable: 'Ahora mismo no se pueden mostrar los datos del Plan de Internacionalización del AMB.',
      unknown: (c) => `No hay ningún municipio del AMB con el código «${c}».`,
      plan: 'Consulte el Plan de Internacionalización del AMB',
      status: { NOT_STARTED: 'No iniciada', IN_PROGRESS: 'En curso', DELAYED: 'Retrasada', COMPLETED: 'Completada', DISCONTINUED: 'Interrumpida' },
      kind: { DELEGATION_RECEIVED: 'Delegación recibida', EVENT: 'Evento', FORUM: 'Foro', JOINT_POSITION: 'Posicionamiento conjunto', KNOWLEDGE_TRANSFER: 'Transferencia de conocimiento', NETWORK_MEETING: 'Reunión de red', STUDY_SEMINAR: 'Estudio o seminario', STUDY_VISIT: 'Visita de estudio' },
      pstatus: { APPLIED: 'Solicitado', AWARDED: 'Concedido', CLOSED: 'Finalizado', IN_EXECUTION: 'En ejecución', REJECTED: 'Denegado' },
      programme: { EIB_LOAN: 'Préstamo del BEI', OTHER: 'Otros programas' },
    },
    en: {
      loading: 'Loading the Internationalisation Plan…',
      progress: 'Progress by strategic line', actions: 'Actions involving the municipality',
      activities: 'Published activities', projects: 'Published funded projects',
      responsible: 'Responsible', line: 'Line', mean: 'Mean progress',
      reported: (r, n) => `${r} of ${n} actions with published progress`,
      noProgress: 'No published progress', none: 'None published yet.',
      all: (n) => `Show all (${n})`, fewer: 'Show fewer',
      unreachable: 'The AMB Internationalisation Plan’s data cannot be shown right now.',
      unknown: (c) => `There is no AMB municipality with the code “${c}”.`,
      plan: 'See the AMB Internationalisation Plan',
      status: { NOT_STARTED: 'Not started', IN_PROGRESS: 'In progress', DELAYED: 'Delayed', COMPLETED: 'Completed', DISCONTINUED: 'Discontinued' },
      kind: { DELEGATION_RECEIVED: 'Delegation received', EVENT: 'Event', FORUM: 'Forum', JOINT_POSITION: 'Joint position', KNOWLEDGE_TRANSFER: 'Knowledge transfer', NETWORK_MEETING: 'Network meeting', STUDY_SEMINAR: 'Study or seminar', STUDY_VISIT: 'Study visit' },
      pstatus: { APPLIED: 'Applied for', AWARDED: 'Awarded', CLOSED: 'Closed', IN_EXECUTION: 'Being carried out', REJECTED: 'Rejected' },
      programme: { EIB_LOAN: 'EIB loan', FEDER: 'ERDF', OTHER: 'Other programmes' },
    },
    fr: {
      loading: 'Chargement du Plan d’internationalisation…',
      progress: 'Avancement par axe stratégique', actions: 'Actions impliquant la commune',
      activities: 'Activités publiées', projects: 'Projets financés publiés',
      responsible: 'Responsables', line: 'Axe', mean: 'Avancement moyen',
      // French counts 0 and 1 in the singular.
      reported: (r, n) => `${r} ${r > 1 ? 'actions' : 'action'} sur ${n} avec un avancement publié`,
      noProgress: 'Aucun avancement publié', none: 'Aucun n’est encore publié.',
      all: (n) => `Tout afficher (${n})`, fewer: 'Afficher moins',
      unreachable: 'Les données du Plan d’internationalisation de l’AMB ne peuvent pas être affichées pour le moment.',
      unknown: (c) => `Aucune commune de l’AMB n’a le code « ${c} ».`,
      plan: 'Consultez le Plan d’internationalisation de l’AMB',
      status: { NOT_STARTED: 'Non commencée', IN_PROGRESS: 'En cours', DELAYED: 'En retard', COMPLETED: 'Achevée', DISCONTINUED: 'Interrompue' },
      kind: { DELEGATION_RECEIVED: 'Délégation reçue', EVENT: 'Événement', FORUM: 'Forum', JOINT_POSITION: 'Position commune', KNOWLEDGE_TRANSFER: 'Transfert de connaissances', NETWORK_MEETING: 'Réunion de réseau', STUDY_SEMINAR: 'Étude ou séminaire', STUDY_VISIT: 'Visite d’étude' },
      pstatus: { APPLIED: 'Demandé', AWARDED: 'Accordé', CLOSED: 'Clôturé', IN_EXECUTION: 'En cours d’exécution', REJECTED: 'Refusé' },
      programme: { EIB_LOAN: 'Prêt de la BEI', OTHER: 'Autres programmes' },
    },
  };
  const PROGRAMMES = { FEDER: 'FEDER', HORIZON_EUROPE: 'Horizon Europe', INTERREG: 'Interreg', LIFE: 'LIFE', NEXT_GENERATION_EU: 'NextGenerationEU', URBACT: 'URBACT' };

  // Every custom property, with the default theme (text contrast ≥ 7:1 on white; bars ≥ 3:1).
  const CSS = `
:host{display:block;color:var(--amb-widget-color,#1b1b1b);background:var(--amb-widget-background,#fff);font-family:var(--amb-widget-font,inherit);font-size:var(--amb-widget-font-size,1rem);line-height:1.5}
:host([hidden]){display:none}
*{box-sizing:border-box}
.w{padding:var(--amb-widget-spacing,1rem);border:1px solid var(--amb-widget-border,#767676);border-radius:var(--amb-widget-radius,4px);overflow-wrap:anywhere}
h1,h2,h3,h4,h5,h6{font-family:var(--amb-widget-heading-font,inherit);color:var(--amb-widget-heading-color,inherit);line-height:1.25;margin:0 0 .25em}
.w>h1,.w>h2,.w>h3,.w>h4,.w>h5{font-size:1.4em}
.w>section{margin-top:calc(var(--amb-widget-spacing,1rem)*1.25)}
.w>section>:first-child{font-size:1.15em}
p{margin:0}
.sub,.meta{color:var(--amb-widget-muted,#4d4d4d);font-size:.9em}
ul{list-style:none;margin:.5em 0 0;padding:0}
li{padding:.6em 0;border-top:1px solid var(--amb-widget-rule,#d0d0d0)}
li:first-child{border-top:0}
.code{font-weight:700;margin-right:.4em;font-variant-numeric:tabular-nums}
.t{font-weight:600}
a{color:var(--amb-widget-link,#00538f);text-decoration:underline;text-underline-offset:.15em}
a:hover{text-decoration-thickness:2px}
a:focus-visible,button:focus-visible{outline:3px solid var(--amb-widget-focus,#b3400f);outline-offset:2px;border-radius:2px}
.bar{height:.5em;margin:.3em 0;background:var(--amb-widget-track,#e3e3e3);border:1px solid var(--amb-widget-bar,#00538f);border-radius:.25em;overflow:hidden;max-width:24em}
.bar>span{display:block;height:100%;width:0;background:var(--amb-widget-bar,#00538f)}
button{font:inherit;margin-top:.5em;padding:.35em .8em;color:var(--amb-widget-button-color,#fff);background:var(--amb-widget-accent,#00538f);border:2px solid var(--amb-widget-accent,#00538f);border-radius:var(--amb-widget-radius,4px);cursor:pointer;min-height:44px}
button:hover{text-decoration:underline}
.msg{display:flex;flex-direction:column;gap:.5em}
.foot{margin-top:var(--amb-widget-spacing,1rem);font-size:.9em}
@media (max-width:30em){.w{padding:calc(var(--amb-widget-spacing,1rem)*.75)}}
`;
  let sheet = null;
  function styles(root) {
    // Constructable stylesheets are not inline styles: a host CSP of `style-src 'self'` allows
    // them. Browsers without them (before Safari 16.4) get a <style>, which such a CSP blocks.
    if ('adoptedStyleSheets' in Document.prototype && 'replaceSync' in CSSStyleSheet.prototype) {
      if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); }
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el('style', {}, CSS));
    }
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const k in attrs) if (attrs[k] != null) e.setAttribute(k, attrs[k]);
    for (const c of children.flat()) if (c != null && c !== false) e.append(c);
    return e;
  }

  function safeUrl(value, fallback) {
    try {
      const u = new URL(value, document.baseURI);
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : fallback;
    } catch (_) {
      return fallback;
    }
  }

  // One request per (API, municipality, language), shared by every widget on the page.
  const requests = new Map();
  function load(api, ine, lang, plan) {
    const key = `${api} ${ine} ${lang} ${plan || ''}`;
    let p = requests.get(key);
    if (!p) {
      const url = `${api.replace(/\/+$/, '')}/graphql?${new URLSearchParams({
        query: DOCS.AmbPlanWidget,
        operationName: 'AmbPlanWidget',
        variables: JSON.stringify(plan ? { ine, lang: lang.toUpperCase(), plan } : { ine, lang: lang.toUpperCase() }),
      })}`;
      const ctl = typeof AbortController === 'function' ? new AbortController() : null;
      const timer = ctl && setTimeout(() => ctl.abort(), TIMEOUT_MS);
      p = fetch(url, { credentials: 'omit', headers: { Accept: 'application/json' }, signal: ctl && ctl.signal })
        .then((r) => r.json().catch(() => ({})).then((body) => {
          const errors = body.errors || [];
          const code = errors[0] && errors[0].extensions && errors[0].extensions.code;
          if (code === 'NOT_FOUND' || code === 'BAD_USER_INPUT') return { failure: 'unknown' };
          if (!r.ok || !body.data || !body.data.municipality || !body.data.plan) return { failure: 'unreachable' };
          return { data: body.data };
        }))
        .catch(() => ({ failure: 'unreachable' }))
        .then((result) => {
          if (timer) clearTimeout(timer);
          if (result.failure) requests.delete(key); // a later render may try again
          return result;
        });
      requests.set(key, p);
    }
    return p;
  }

  function pick(list, allowed, fallback) {
    const v = (list || '').trim().toLowerCase();
    return allowed.includes(v) ? v : fallback;
  }
  function int(value, lo, hi, fallback) {
    const n = parseInt(value, 10);
    return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : fallback;
  }

  class AmbPlanWidget extends HTMLElement {
    static get observedAttributes() {
      return ['municipality', 'lang', 'plan', 'view', 'limit', 'heading-level', 'plan-url', 'api'];
    }

    constructor() {
      super();
      this._root = this.attachShadow({ mode: 'open' });
      styles(this._root);
      this._seq = 0;
      this._open = new Set();
    }

    connectedCallback() { this._schedule(); }
    attributeChangedCallback() { if (this.isConnected) this._schedule(); }

    _schedule() {
      if (this._queued) return;
      this._queued = true;
      Promise.resolve().then(() => { this._queued = false; this._update(); });
    }

    _settings() {
      const inherited = this.parentElement && this.parentElement.closest('[lang]');
      const tag = this.getAttribute('lang') || (inherited && inherited.lang) || '';
      return {
        ine: (this.getAttribute('municipality') || '').trim(),
        plan: (this.getAttribute('plan') || '').trim(),
        lang: pick(tag.split('-')[0], LANGS, 'es'),
        view: pick(this.getAttribute('view'), VIEWS, 'overview'),
        limit: int(this.getAttribute('limit'), 1, 50, 5),
        level: int(this.getAttribute('heading-level'), 1, 5, 2),
        planUrl: safeUrl(this.getAttribute('plan-url') || DEFAULT_PLAN_URL, DEFAULT_PLAN_URL),
        api: safeUrl(this.getAttribute('api') || DEFAULT_API, DEFAULT_API),
      };
    }

    _update() {
      const s = this._settings();
      const seq = ++this._seq;
      const t = T[s.lang];
      if (!/^\d{5}$/.test(s.ine)) return this._message(s, t.unknown(s.ine));
      this._show(s, el('p', { role: 'status', class: 'sub' }, t.loading), true);
      load(s.api, s.ine, s.lang, s.plan).then((result) => {
        if (seq !== this._seq) return; // the attributes changed meanwhile
        if (result.failure === 'unknown') this._message(s, t.unknown(s.ine));
        else if (result.failure) this._message(s, t.unreachable);
        else {
          try {
            this._render(s, result.data);
          } catch (_) {
            // Never an exception in the host page's console: an unexpected answer is a failure.
            this._message(s, t.unreachable);
          }
        }
      });
    }

    _show(s, content, busy) {
      const w = el('div', { class: 'w', lang: s.lang, 'aria-busy': busy ? 'true' : null }, content);
      this._root.replaceChildren(w);
      return w;
    }

    _message(s, text) {
      const t = T[s.lang];
      this._show(s, el('div', { class: 'msg', role: 'status' },
        el('p', {}, text), el('p', {}, el('a', { href: s.planUrl }, t.plan))));
    }

    _render(s, data) {
      const t = T[s.lang];
      const m = data.municipality;
      const h = (extra) => `h${Math.min(6, s.level + extra)}`;
      const all = s.view === 'overview';
      const sections = [];
      const lines = data.plan.strategicLines;
      const lineTitle = {};
      for (const l of lines) lineTitle[l.code] = l.title;
      const pct = (v) => new Intl.NumberFormat(s.lang, { style: 'percent', maximumFractionDigits: 0 }).format(v / 100);
      const date = (d) => {
        const [y, mo, da] = d.split('-').map(Number);
        return new Intl.DateTimeFormat(s.lang, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, mo - 1, da)));
      };
      const bar = (value) => {
        const fill = el('span');
        // The CSSOM is not an inline style attribute: a strict style-src allows it.
        fill.style.width = `${Math.max(0, Math.min(100, value))}%`;
        return el('div', { class: 'bar', 'aria-hidden': 'true' }, fill);
      };
      const section = (key, title, items, item, limit = s.limit) => {
        const id = `amb-${key}`;
        const body = [el(h(1), { id }, title)];
        if (!items.length) body.push(el('p', { class: 'meta' }, t.none));
        else {
          const open = this._open.has(key);
          const shown = open ? items : items.slice(0, limit);
          body.push(el('ul', {}, ...shown.map((x) => el('li', {}, ...item(x)))));
          if (items.length > limit) {
            const b = el('button', { type: 'button', 'aria-expanded': String(open) }, open ? t.fewer : t.all(items.length));
            b.addEventListener('click', () => {
              if (open) this._open.delete(key); else this._open.add(key);
              this._render(s, data);
              const again = this._root.getElementById(id);
              const next = again && again.parentNode.querySelector('button');
              if (next) next.focus();
            });
            body.push(b);
          }
        }
        sections.push(el('section', { 'aria-labelledby': id }, ...body));
      };

      if (all || s.view === 'progress') {
        const mine = new Set(m.actions.map((a) => a.strategicLine.code));
        section('progress', t.progress, lines.filter((l) => mine.has(l.code)), (l) => {
          const p = l.progressSummary;
          const reported = p.actions - p.notReported;
          const mean = p.meanPercentComplete;
          const counts = p.byStatus.filter((c) => c.count > 0).map((c) => `${t.status[c.status] || c.status}: ${c.count}`).join(' · ');
          return [
            el('p', {}, el('span', { class: 'code' }, l.code), el('span', { class: 't' }, l.title)),
            el('p', {}, mean == null ? t.noProgress : `${t.mean}: ${pct(mean)}`),
            bar(mean == null ? 0 : mean),
            el('p', { class: 'meta' }, t.reported(reported, p.actions) + (counts ? ` (${counts})` : '')),
          ];
        }, 5); // the plan has five lines: always all of them
      }
      if (all || s.view === 'actions') {
        section('actions', t.actions, m.actions, (a) => {
          const p = a.currentProgress;
          return [
            el('p', {}, el('span', { class: 'code' }, a.code), el('span', { class: 't' }, a.title)),
            el('p', { class: 'meta' }, `${t.line} ${a.strategicLine.code}: ${lineTitle[a.strategicLine.code] || ''}`),
            el('p', { class: 'meta' }, `${t.responsible}: ${a.responsibleUnits.map((u) => u.name).join(', ')}`),
            el('p', {}, p ? `${t.status[p.status] || p.status}: ${pct(p.percentComplete)}` : t.noProgress),
            p ? bar(p.percentComplete) : null,
          ];
        });
      }
      const link = (title, links) => {
        const href = links && links[0] && safeUrl(links[0], null);
        return href ? el('a', { href, class: 't' }, title) : el('span', { class: 't' }, title);
      };
      if (all || s.view === 'activities') {
        section('activities', t.activities, m.activities.nodes, (a) => [
          el('p', {}, link(a.title, a.links)),
          el('p', { class: 'meta' }, [t.kind[a.kind] || a.kind, date(a.startDate) + (a.endDate && a.endDate !== a.startDate ? ` – ${date(a.endDate)}` : ''), a.place].filter(Boolean).join(' · ')),
        ]);
      }
      if (all || s.view === 'projects') {
        section('projects', t.projects, m.fundedProjects.nodes, (f) => [
          el('p', {}, link(f.title, f.links)),
          el('p', { class: 'meta' }, [t.programme[f.programme] || PROGRAMMES[f.programme] || f.programme, t.pstatus[f.status] || f.status, date(f.startDate) + (f.endDate ? ` – ${date(f.endDate)}` : '')].join(' · ')),
        ]);
      }

      this._show(s, [
        el(h(0), { id: 'amb-title' }, m.name),
        el('p', { class: 'sub' }, data.plan.title),
        ...sections,
        el('p', { class: 'foot' }, el('a', { href: s.planUrl }, t.plan)),
      ]);
    }
  }

  customElements.define('amb-plan-widget', AmbPlanWidget);
})();
