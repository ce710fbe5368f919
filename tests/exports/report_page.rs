//! The annual report page: self-contained, marked as what it is, and validated without
//! rendering.

use super::*;
use crate::common::data_file;

#[tokio::test]
async fn the_report_page_is_self_contained_and_marked() {
    let app = app_with_records().await;
    let lines = gql(
        &app,
        None,
        "{ plan { strategicLines { code } } }",
        json!({}),
    )
    .await["plan"]["strategicLines"]
        .as_array()
        .expect("lines")
        .len();
    for lang in ["ca", "en"] {
        let r = get(&app, &format!("/reports/{PLAN}/2024?lang={lang}"), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.headers["content-type"], "text/html; charset=utf-8");
        let csp = r.headers["content-security-policy"].to_str().expect("csp");
        assert!(
            csp.starts_with("default-src 'none'; style-src 'sha256-"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe"), "{csp}");
        let html = &r.text;
        assert!(html.contains(&format!("<html lang=\"{lang}\"")));
        assert_eq!(html.matches("<section").count(), lines + 2);
        assert_eq!(html.matches("<svg").count(), 3);
        assert!(html.contains("data-mark=\"not-published\""));
        assert!(html.contains("data-mark=\"synthetic\""));
        assert!(!html.contains(DRAFT_MARK));
        assert!(
            !html.contains("http://") || !html.contains("src=\"http"),
            "no external resource"
        );
        assert!(!html.contains("<script"), "no script");
    }
    let en = get(&app, &format!("/reports/{PLAN}/2024?lang=en"), &[])
        .await
        .text;
    assert!(en.contains("1,234,567.89 €"), "exact amount shown");
    // Once published, the page says so and is no longer marked as a draft.
    gql(
        &app,
        Some("admin"),
        "mutation { publishAnnualReport(year: 2024) { published } }",
        json!({}),
    )
    .await;
    let after = get(&app, &format!("/reports/{PLAN}/2024?lang=en"), &[])
        .await
        .text;
    assert!(after.contains("data-mark=\"published\""));
    assert!(!after.contains("data-mark=\"not-published\""));
    let json = get(
        &app,
        &format!("/exports/{PLAN}/annual-report-2024.json"),
        &[],
    )
    .await;
    assert_eq!(json.body["published"], true);
}

#[tokio::test]
async fn the_report_page_is_validated_without_rendering() {
    let app = TestApp::new().await;
    let uri = format!("/reports/{PLAN}/2023?lang=ca");
    let page = get(&app, &uri, &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    let etag = header(&page, "etag").to_owned();
    let r = get(&app, &uri, &[("if-none-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert_eq!(header(&r, "content-language"), "ca");
    let head = send(&app, "HEAD", &uri, &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(header(&head, "etag"), etag);
    assert_ne!(
        header(
            &get(&app, &format!("/reports/{PLAN}/2024?lang=ca"), &[]).await,
            "etag"
        ),
        etag
    );
}

/// What a reader of one language must read on the 2023 report page: the page's own words, the
/// monitoring values of the demo data by name, and an amount written the language's way.
struct Reading {
    lang: &'static str,
    /// "Annual activity report", as the page's title and heading say it.
    report: &'static str,
    /// Headings, notices and chart titles.
    words: [&'static str; 11],
    /// The demo data's 2023 values by name: progress statuses, an activity kind, a project's
    /// role and status, and the FEDER programme.
    values: [&'static str; 6],
    /// The demo FEDER project's total budget, 2400000.
    budget: &'static str,
}

const READINGS: [Reading; 4] = [
    Reading {
        lang: "es",
        report: "Informe anual de actividad",
        words: [
            "Resumen",
            "Acciones",
            "Actividades",
            "Proyectos financiados",
            "Indicadores",
            "Contribuciones por municipio",
            "BORRADOR: este informe aún no se ha publicado",
            "Contiene DATOS SINTÉTICOS DE DEMOSTRACIÓN",
            "Progreso medio por línea estratégica",
            "Subvenciones por programa (EUR)",
            "Indicadores: camino recorrido hacia la meta",
        ],
        values: [
            "En curso",
            "Retrasada",
            "Visita de estudio",
            "Socio líder",
            "Finalizado",
            "FEDER",
        ],
        budget: "2.400.000 €",
    },
    Reading {
        lang: "ca",
        report: "Informe anual d'activitat",
        words: [
            "Resum",
            "Accions",
            "Activitats",
            "Projectes finançats",
            "Indicadors",
            "Contribucions per municipi",
            "ESBORRANY: aquest informe encara no s'ha publicat",
            "Conté DADES SINTÈTIQUES DE DEMOSTRACIÓ",
            "Progrés mitjà per línia estratègica",
            "Subvencions per programa (EUR)",
            "Indicadors: camí recorregut cap a l'objectiu",
        ],
        values: [
            "En curs",
            "Endarrerida",
            "Visita d’estudi",
            "Soci líder",
            "Finalitzat",
            "FEDER",
        ],
        budget: "2.400.000 €",
    },
    Reading {
        lang: "en",
        report: "Annual activity report",
        words: [
            "Summary",
            "Actions",
            "Activities",
            "Funded projects",
            "Indicators",
            "Contributions per municipality",
            "DRAFT: this report is not published yet",
            "Contains SYNTHETIC DEMO DATA",
            "Mean progress per strategic line",
            "Grants by programme (EUR)",
            "Indicators: share of the way from baseline to target",
        ],
        values: [
            "In progress",
            "Delayed",
            "Study visit",
            "Lead partner",
            "Closed",
            "ERDF",
        ],
        budget: "2,400,000 €",
    },
    Reading {
        lang: "fr",
        report: "Rapport annuel d'activité",
        words: [
            "Synthèse",
            "Actions",
            "Activités",
            "Projets financés",
            "Indicateurs",
            "Contributions par commune",
            "BROUILLON : ce rapport n'est pas encore publié",
            "Contient des DONNÉES SYNTHÉTIQUES DE DÉMONSTRATION",
            "Progression moyenne par axe stratégique",
            "Subventions par programme (EUR)",
            "Indicateurs : part du chemin parcouru vers la cible",
        ],
        values: [
            "En cours",
            "En retard",
            "Visite d’étude",
            "Chef de file",
            "Clôturé",
            "FEDER",
        ],
        budget: "2\u{202f}400\u{202f}000 €",
    },
];

/// The text a reader sees in `html`: tags dropped, the page's entities decoded.
fn page_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `table.key.lang` of a data file's table, as a string.
fn localized<'a>(table: &'a toml::Value, key: &str, lang: &str) -> &'a str {
    table[key][lang]
        .as_str()
        .unwrap_or_else(|| panic!("{key}.{lang} in {table}"))
}

#[tokio::test]
async fn the_report_page_reads_in_each_of_its_four_languages() {
    let app = TestApp::new().await;
    plan_api::demo::load(&app.state.db)
        .await
        .expect("demo data");
    let plan = data_file(&format!("{PLAN}/plan.toml"));
    let strategy = data_file(&format!("{PLAN}/strategy.toml"));
    let lines = strategy["strategic_lines"].as_array().expect("lines");
    let actions = strategy["actions"].as_array().expect("actions");
    for reading in &READINGS {
        let lang = reading.lang;
        let r = get(&app, &format!("/reports/{PLAN}/2023?lang={lang}"), &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{lang}: {}", r.text);
        assert_eq!(header(&r, "content-language"), lang);
        assert!(
            r.text
                .starts_with(&format!("<!doctype html><html lang=\"{lang}\">")),
            "{lang}"
        );
        let text = page_text(&r.text);
        let plan_title = localized(&plan["plan"], "title", lang);
        let title = format!("{} 2023 — {plan_title}", reading.report);
        assert!(
            r.text.contains(&format!("<title>{}</title>", esc(&title))),
            "{lang}: {title}"
        );
        assert!(
            r.text
                .contains(&format!("<h1>{} 2023</h1>", esc(reading.report))),
            "{lang}"
        );
        for word in reading.words.iter().chain(&reading.values) {
            assert!(text.contains(word), "{lang}: {word:?} missing");
        }
        assert!(text.contains(reading.budget), "{lang}: {}", reading.budget);
        // Every strategic line and every action by its title in this language, from data/.
        for line in lines {
            let heading = format!(
                "{} {}",
                line["code"].as_str().expect("code"),
                localized(line, "title", lang)
            );
            assert!(text.contains(&heading), "{lang}: {heading}");
        }
        for action in actions {
            let title = localized(action, "title", lang);
            assert!(text.contains(title), "{lang}: {title}");
        }
        // Nothing in another language's words, and no stored codes where a name belongs.
        for other in READINGS.iter().filter(|o| o.lang != lang) {
            assert!(!text.contains(other.report), "{lang}: {}", other.report);
        }
        for code in [
            "IN PROGRESS",
            "DELAYED",
            "STUDY VISIT",
            "KNOWLEDGE TRANSFER",
            "LEAD",
        ] {
            assert!(!text.contains(code), "{lang}: {code} shown as a code");
        }
    }
    // Without `?lang`, the browser's language decides, and the page says which it chose.
    let r = get(
        &app,
        &format!("/reports/{PLAN}/2023"),
        &[("accept-language", "fr-CH, fr;q=0.9, en;q=0.8")],
    )
    .await;
    assert_eq!(header(&r, "content-language"), "fr");
    assert!(r.text.contains("<html lang=\"fr\">"));
    assert!(page_text(&r.text).contains("Rapport annuel d'activité 2023"));
}

/// `text` escaped as the page escapes it.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
