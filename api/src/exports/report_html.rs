//! The annual activity report as a printable HTML page: per strategic line the actions and
//! their progress, activities, funded projects and amounts, indicators against baseline and
//! target; contributions per municipality; three inline SVG charts; an A4 print stylesheet.
//! One inline `<style>` whose hash is the only source the Content-Security-Policy allows: the
//! page makes no request of its own.
//!
//! Just over 600 lines, kept whole on purpose: most of it is the page's words in four languages
//! (one table per language) and one template that reads top to bottom like the page it prints.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use base64::Engine;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

use super::labels::Label;
use super::svg::{Bar, bar_chart, esc};
use crate::error::ApiError;
use crate::i18n::{Lang, pick};
use crate::monitoring::FundingProgramme;
use crate::monitoring::report::{AnnualReport, Published};

/// A rendered page and the policy to send with it.
pub struct Page {
    /// The document.
    pub html: String,
    /// The `Content-Security-Policy` header value.
    pub csp: String,
}

const CSS: &str = include_str!("report.css");

/// The page's fixed words in one language (the plan's own texts come from the data).
struct Words {
    report: &'static str,
    summary: &'static str,
    actions: &'static str,
    activities: &'static str,
    projects: &'static str,
    indicators: &'static str,
    municipalities: &'static str,
    code: &'static str,
    title: &'static str,
    status: &'static str,
    percent: &'static str,
    programme: &'static str,
    role: &'static str,
    budget: &'static str,
    grant: &'static str,
    name: &'static str,
    unit: &'static str,
    baseline: &'static str,
    target: &'static str,
    latest: &'static str,
    dates: &'static str,
    kind: &'static str,
    none: &'static str,
    not_reported: &'static str,
    live: &'static str,
    published: &'static str,
    synthetic: &'static str,
    chart_progress: &'static str,
    chart_funding: &'static str,
    chart_indicators: &'static str,
    no_data: &'static str,
    municipality: &'static str,
}

const CA: Words = Words {
    report: "Informe anual d'activitat",
    summary: "Resum",
    actions: "Accions",
    activities: "Activitats",
    projects: "Projectes finançats",
    indicators: "Indicadors",
    municipalities: "Contribucions per municipi",
    code: "Codi",
    title: "Títol",
    status: "Estat",
    percent: "% completat",
    programme: "Programa",
    role: "Rol",
    budget: "Pressupost total",
    grant: "Subvenció",
    name: "Nom",
    unit: "Unitat",
    baseline: "Valor de referència",
    target: "Objectiu",
    latest: "Valor de l'any",
    dates: "Dates",
    kind: "Tipus",
    none: "Cap registre publicat.",
    not_reported: "sense informe",
    live: "ESBORRANY: aquest informe encara no s'ha publicat; s'ha generat ara a partir dels registres publicats i pot canviar.",
    published: "Informe publicat el",
    synthetic: "Conté DADES SINTÈTIQUES DE DEMOSTRACIÓ: no són dades reals del pla.",
    chart_progress: "Progrés mitjà per línia estratègica",
    chart_funding: "Subvencions per programa (EUR)",
    chart_indicators: "Indicadors: camí recorregut cap a l'objectiu",
    no_data: "Sense dades publicades",
    municipality: "Municipi",
};

const ES: Words = Words {
    report: "Informe anual de actividad",
    summary: "Resumen",
    actions: "Acciones",
    activities: "Actividades",
    projects: "Proyectos financiados",
    indicators: "Indicadores",
    municipalities: "Contribuciones por municipio",
    code: "Código",
    title: "Título",
    status: "Estado",
    percent: "% completado",
    programme: "Programa",
    role: "Rol",
    budget: "Presupuesto total",
    grant: "Subvención",
    name: "Nombre",
    unit: "Unidad",
    baseline: "Valor de referencia",
    target: "Meta",
    latest: "Valor del año",
    dates: "Fechas",
    kind: "Tipo",
    none: "Ningún registro publicado.",
    not_reported: "sin informe",
    live: "BORRADOR: este informe aún no se ha publicado; se ha generado ahora a partir de los registros publicados y puede cambiar.",
    published: "Informe publicado el",
    synthetic: "Contiene DATOS SINTÉTICOS DE DEMOSTRACIÓN: no son datos reales del plan.",
    chart_progress: "Progreso medio por línea estratégica",
    chart_funding: "Subvenciones por programa (EUR)",
    chart_indicators: "Indicadores: camino recorrido hacia la meta",
    no_data: "Sin datos publicados",
    municipality: "Municipio",
};

const EN: Words = Words {
    report: "Annual activity report",
    summary: "Summary",
    actions: "Actions",
    activities: "Activities",
    projects: "Funded projects",
    indicators: "Indicators",
    municipalities: "Contributions per municipality",
    code: "Code",
    title: "Title",
    status: "Status",
    percent: "% complete",
    programme: "Programme",
    role: "Role",
    budget: "Total budget",
    grant: "Grant",
    name: "Name",
    unit: "Unit",
    baseline: "Baseline",
    target: "Target",
    latest: "Value of the year",
    dates: "Dates",
    kind: "Kind",
    none: "No published records.",
    not_reported: "not reported",
    live: "DRAFT: this report is not published yet; it was assembled now from published records and may change.",
    published: "Report published on",
    synthetic: "Contains SYNTHETIC DEMO DATA: these are not real figures of the plan.",
    chart_progress: "Mean progress per strategic line",
    chart_funding: "Grants by programme (EUR)",
    chart_indicators: "Indicators: share of the way from baseline to target",
    no_data: "No published data",
    municipality: "Municipality",
};

const FR: Words = Words {
    report: "Rapport annuel d'activité",
    summary: "Synthèse",
    actions: "Actions",
    activities: "Activités",
    projects: "Projets financés",
    indicators: "Indicateurs",
    municipalities: "Contributions par commune",
    code: "Code",
    title: "Titre",
    status: "État",
    percent: "% achevé",
    programme: "Programme",
    role: "Rôle",
    budget: "Budget total",
    grant: "Subvention",
    name: "Nom",
    unit: "Unité",
    baseline: "Valeur de référence",
    target: "Cible",
    latest: "Valeur de l'année",
    dates: "Dates",
    kind: "Type",
    none: "Aucun enregistrement publié.",
    not_reported: "non renseigné",
    live: "BROUILLON : ce rapport n'est pas encore publié ; il a été assemblé à l'instant à partir des enregistrements publiés et peut changer.",
    published: "Rapport publié le",
    synthetic: "Contient des DONNÉES SYNTHÉTIQUES DE DÉMONSTRATION : ce ne sont pas des chiffres réels du plan.",
    chart_progress: "Progression moyenne par axe stratégique",
    chart_funding: "Subventions par programme (EUR)",
    chart_indicators: "Indicateurs : part du chemin parcouru vers la cible",
    no_data: "Aucune donnée publiée",
    municipality: "Commune",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Ca => &CA,
        Lang::Es => &ES,
        Lang::En => &EN,
        Lang::Fr => &FR,
    }
}

/// An exact decimal amount with digit grouping, never through a float.
fn amount(value: &str, lang: Lang) -> String {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let (group, point) = match lang {
        Lang::En => (",", "."),
        Lang::Fr => ("\u{202f}", ","),
        Lang::Es | Lang::Ca => (".", ","),
    };
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push_str(group);
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{grouped} €")
    } else {
        format!("{sign}{grouped}{point}{frac} €")
    }
}

fn table(out: &mut String, head: &[&str], rows: Vec<Vec<String>>, none: &str) {
    if rows.is_empty() {
        let _ = write!(out, "<p class=\"none\">{}</p>", esc(none));
        return;
    }
    out.push_str("<table><thead><tr>");
    for h in head {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            // Cells are escaped by the caller (some hold markup of their own).
            let _ = write!(out, "<td>{cell}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

fn figure(out: &mut String, svg: String, caption: &str) {
    let _ = write!(
        out,
        "<figure>{svg}<figcaption>{}</figcaption></figure>",
        esc(caption)
    );
}

/// Whether anything shown comes from synthetic demonstration records.
fn has_synthetic(report: &AnnualReport, published: &Published) -> bool {
    report.activities.iter().any(|a| a.synthetic)
        || report.funded_projects.iter().any(|p| p.synthetic)
        || published
            .progress
            .iter()
            .any(|(m, _)| m.synthetic && m.year == Some(report.year))
        || published.indicators.iter().any(|(m, _)| m.synthetic)
}

/// Renders the report of `year` of `plan` in `lang`.
pub async fn render(
    db: &DatabaseConnection,
    plan: &entity::plan::Model,
    year: i32,
    lang: Lang,
) -> Result<Page, ApiError> {
    let (report, published) = crate::monitoring::annual::annual_report(db, plan, year).await?;
    let published_at = published.map(|p| p.published_at);
    // Baselines and targets are not in the report itself: read them from the published
    // indicators (what an anonymous caller may see).
    let published = Published::load(db, plan.id, year).await?;
    let html = page(plan, &report, published_at, &published, lang);
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()));
    let csp = format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    );
    Ok(Page { html, csp })
}

fn page(
    plan: &entity::plan::Model,
    report: &AnnualReport,
    published_at: Option<DateTime<Utc>>,
    published: &Published,
    lang: Lang,
) -> String {
    let w = words(lang);
    let t = |text: &entity::I18n| esc(&pick(text, lang));
    let plan_title = t(&plan.title);
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(
        o,
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{report} {year} — {plan_title}</title><style>{CSS}</style></head><body>",
        code = lang.code(),
        report = esc(w.report),
        year = report.year,
    );
    let _ = write!(
        o,
        "<header><p class=\"plan\">{plan_title}</p><h1>{} {}</h1>",
        esc(w.report),
        report.year
    );
    match published_at {
        Some(at) => {
            let _ = write!(
                o,
                "<p class=\"mark published\" data-mark=\"published\">{} {}</p>",
                esc(w.published),
                at.format("%Y-%m-%d")
            );
        }
        None => {
            let _ = write!(
                o,
                "<p class=\"mark live\" role=\"note\" data-mark=\"not-published\">{}</p>",
                esc(w.live)
            );
        }
    }
    if has_synthetic(report, published) {
        let _ = write!(
            o,
            "<p class=\"mark synthetic\" role=\"note\" data-mark=\"synthetic\">{}</p>",
            esc(w.synthetic)
        );
    }
    o.push_str("</header><main>");

    // Summary and charts.
    let _ = write!(o, "<section id=\"summary\"><h2>{}</h2>", esc(w.summary));
    let progress_bars: Vec<Bar> = report
        .lines
        .iter()
        .filter_map(|l| {
            let reported: Vec<i32> = l
                .actions
                .iter()
                .filter_map(|a| a.percent_complete)
                .collect();
            (!reported.is_empty()).then(|| {
                let mean = f64::from(reported.iter().sum::<i32>()) / reported.len() as f64;
                Bar {
                    label: l.code.clone(),
                    share: mean / 100.0,
                    value: format!("{mean:.0} % ({}/{})", reported.len(), l.actions.len()),
                }
            })
        })
        .collect();
    figure(
        &mut o,
        bar_chart(
            "chart-progress",
            w.chart_progress,
            &progress_bars,
            w.no_data,
        ),
        w.chart_progress,
    );
    // Ordered by the stored code, so that the chart reads the same in every language.
    let mut by_programme: BTreeMap<&str, (FundingProgramme, Decimal)> = BTreeMap::new();
    for p in &report.funded_projects {
        by_programme
            .entry(p.programme.as_str())
            .or_insert((p.programme, Decimal::ZERO))
            .1 += p.grant_amount;
    }
    let most = by_programme
        .values()
        .map(|(_, sum)| *sum)
        .max()
        .unwrap_or_default();
    let funding_bars: Vec<Bar> = by_programme
        .values()
        .map(|(prog, sum)| Bar {
            label: prog.label(lang).to_owned(),
            // Only the drawing is approximate; the written value is exact.
            share: if most.is_zero() {
                0.0
            } else {
                (sum / most).to_string().parse().unwrap_or(0.0)
            },
            value: amount(&sum.normalize().to_string(), lang),
        })
        .collect();
    figure(
        &mut o,
        bar_chart("chart-funding", w.chart_funding, &funding_bars, w.no_data),
        w.chart_funding,
    );
    let payloads: HashMap<i32, &crate::monitoring::IndicatorPayload> = published
        .indicators
        .iter()
        .map(|(m, p)| (m.id, p))
        .collect();
    let mut indicator_bars = Vec::new();
    for ind in report.lines.iter().flat_map(|l| &l.indicators) {
        let (Some(p), Some(v)) = (payloads.get(&ind.id), ind.value) else {
            continue;
        };
        let (b, tg) = (p.baseline_value, p.target_value);
        if tg != b {
            let share: f64 = ((v - b) / (tg - b)).to_string().parse().unwrap_or(0.0);
            indicator_bars.push(Bar {
                label: ind.code.clone(),
                share,
                // Value / target (share of the way): short enough for the chart's margin.
                value: format!(
                    "{v} / {} ({:.0} %)",
                    p.target_value.normalize(),
                    share.clamp(0.0, 1.0) * 100.0
                ),
            });
        }
    }
    figure(
        &mut o,
        bar_chart(
            "chart-indicators",
            w.chart_indicators,
            &indicator_bars,
            w.no_data,
        ),
        w.chart_indicators,
    );
    o.push_str("</section>");

    // One section per strategic line.
    for line in &report.lines {
        let _ = write!(
            o,
            "<section class=\"line\" id=\"line-{code}\"><h2><span class=\"code\">{code}</span> {title}</h2>",
            code = esc(&line.code),
            title = t(&line.title)
        );
        let _ = write!(o, "<h3>{}</h3>", esc(w.actions));
        let rows = line
            .actions
            .iter()
            .map(|a| {
                let mut title = t(&a.title);
                if let Some(n) = &a.narrative {
                    let _ = write!(title, "<p class=\"narrative\">{}</p>", t(n));
                }
                vec![
                    esc(&a.code),
                    title,
                    a.status.map_or_else(
                        || format!("<span class=\"muted\">{}</span>", esc(w.not_reported)),
                        |s| esc(s.label(lang)),
                    ),
                    a.percent_complete
                        .map(|p| format!("{p} %"))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        table(
            &mut o,
            &[w.code, w.title, w.status, w.percent],
            rows,
            w.none,
        );
        let _ = write!(o, "<h3>{}</h3>", esc(w.activities));
        let rows = line
            .activities
            .iter()
            .map(|a| {
                let dates = match a.end_date {
                    Some(end) => format!("{} – {end}", a.start_date),
                    None => a.start_date.to_string(),
                };
                vec![
                    format!(
                        "{}<p class=\"narrative\">{}</p>",
                        t(&a.title),
                        t(&a.summary)
                    ),
                    esc(a.kind.label(lang)),
                    esc(&dates),
                ]
            })
            .collect();
        table(&mut o, &[w.title, w.kind, w.dates], rows, w.none);
        let _ = write!(o, "<h3>{}</h3>", esc(w.projects));
        let rows = line
            .funded_projects
            .iter()
            .map(|p| {
                vec![
                    t(&p.title),
                    esc(p.programme.label(lang)),
                    esc(p.role.label(lang)),
                    esc(p.status.label(lang)),
                    format!(
                        "<span class=\"amount\">{}</span>",
                        esc(&amount(&p.total_budget.to_string(), lang))
                    ),
                    format!(
                        "<span class=\"amount\">{}</span>",
                        esc(&amount(&p.grant_amount.to_string(), lang))
                    ),
                ]
            })
            .collect();
        table(
            &mut o,
            &[w.title, w.programme, w.role, w.status, w.budget, w.grant],
            rows,
            w.none,
        );
        let _ = write!(o, "<h3>{}</h3>", esc(w.indicators));
        let rows = line
            .indicators
            .iter()
            .map(|i| {
                let p = payloads.get(&i.id);
                vec![
                    esc(&i.code),
                    t(&i.name),
                    esc(&i.unit),
                    p.map(|p| {
                        format!(
                            "{} ({})",
                            esc(&p.baseline_value.normalize().to_string()),
                            p.baseline_year
                        )
                    })
                    .unwrap_or_default(),
                    p.map(|p| {
                        format!(
                            "{} ({})",
                            esc(&p.target_value.normalize().to_string()),
                            p.target_year
                        )
                    })
                    .unwrap_or_default(),
                    i.value.map(|v| esc(&v.to_string())).unwrap_or_default(),
                    esc(i.status.label(lang)),
                ]
            })
            .collect();
        table(
            &mut o,
            &[
                w.code, w.name, w.unit, w.baseline, w.target, w.latest, w.status,
            ],
            rows,
            w.none,
        );
        o.push_str("</section>");
    }

    // Contributions per municipality.
    let _ = write!(
        o,
        "<section id=\"municipalities\"><h2>{}</h2>",
        esc(w.municipalities)
    );
    let rows = report
        .municipalities
        .iter()
        .map(|m| {
            vec![
                esc(&m.name),
                esc(&m.ine_code),
                m.activities.to_string(),
                m.funded_projects.to_string(),
            ]
        })
        .collect();
    table(
        &mut o,
        &[w.municipality, w.code, w.activities, w.projects],
        rows,
        w.none,
    );
    let _ = write!(
        o,
        "</section></main><footer><p>{} · {} · {}</p></footer></body></html>",
        esc(&plan.copyright),
        esc(&plan.code),
        report.year
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_without_losing_a_cent() {
        assert_eq!(amount("1234567.89", Lang::En), "1,234,567.89 €");
        assert_eq!(amount("1234567.89", Lang::Ca), "1.234.567,89 €");
        assert_eq!(amount("100", Lang::Es), "100 €");
        assert_eq!(amount("-1000.5", Lang::Fr), "-1\u{202f}000,5 €");
    }
}
