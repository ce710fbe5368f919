//! Content fidelity: the API serves the plan exactly as the source document states it.
//!
//! Every expected value below is copied from the source document
//! (`shared/seed/000_62b7333340a25744.txt`, the Spanish edition of the *Plan de
//! Internacionalización del Área Metropolitana de Barcelona 2021-2025*), not from `data/`:
//! these tests check the data against the document. Extraction errors of the source are
//! expected fixed (words split across pages joined, photo captions and markup left out).

use serde_json::Value;

use crate::common::{TestApp, strings};

// ------------------------------------------------------------------ helpers

/// Runs `query` on a fresh, seeded application and returns its `data`.
async fn query(query: &str) -> Value {
    TestApp::new().await.data(query).await
}

/// Runs `{ plan { <fields> } }` and returns the plan.
async fn plan(fields: &str) -> Value {
    query(&format!("{{ plan {{ {fields} }} }}")).await["plan"].clone()
}

/// The string at `value`.
fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
}

/// The elements of the array at `value`.
fn items(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected an array, got {value}"))
}

/// The element of the array `value` whose `key` is `wanted`.
fn find<'a>(value: &'a Value, key: &str, wanted: &str) -> &'a Value {
    items(value)
        .iter()
        .find(|v| v[key] == wanted)
        .unwrap_or_else(|| panic!("no element with {key} = {wanted} in {value}"))
}

/// The strings of a plain array of strings.
fn string_list(value: &Value) -> Vec<String> {
    items(value).iter().map(|v| text(v).to_owned()).collect()
}

/// The codes of an array of objects with a `code`.
fn codes(value: &Value) -> Vec<String> {
    strings(value, "code")
}

/// `LE{line}.1` … `LE{line}.{count}`.
fn action_codes(line: u32, count: u32) -> Vec<String> {
    (1..=count).map(|n| format!("LE{line}.{n}")).collect()
}

/// The 29 action codes of the plan, in document order.
fn all_action_codes() -> Vec<String> {
    [(1, 13), (2, 4), (3, 6), (4, 5), (5, 1)]
        .into_iter()
        .flat_map(|(line, count)| action_codes(line, count))
        .collect()
}

/// Photo captions and page furniture of the source: none of them is plan content.
const CAPTIONS: &[&str] = &[
    "Vista de la ciudad de Barcelona desde el Tibidabo",
    "Swietochowice",
    "Parque de Torreblanca",
    "Frente marítimo de Badalona",
    "Reunión de la European Metropolitan Authorities (EMA) en Lyon",
    "Reunión de la EMA con la comisaria europea",
    "Reunión del proyecto RiConnect",
    "en Oporto, Portugal. 2021",
    "Terminal de Zimpeto",
    "Congreso de Metropolis en Johannesburgo",
    "Montreal, Canadá.",
    "Seúl, Corea del Sur.",
    "Bienal de Arquitectura y Urbanismo en Seúl. 2017",
    "Tabla de contenidos",
];

/// Markup and extraction leftovers that must not reach any text.
const LEFTOVERS: &[&str] = &["**", "<i>", "<b>", "</", "»", "Metro-\n", "Metro- "];

fn assert_clean(what: &str, body: &str) {
    for caption in CAPTIONS {
        assert!(
            !body.contains(caption),
            "{what} contains the photo caption {caption:?}"
        );
    }
    for leftover in LEFTOVERS {
        assert!(!body.contains(leftover), "{what} contains {leftover:?}");
    }
}

// ------------------------------------------------------------------ plan metadata

#[tokio::test]
async fn plan_metadata_matches_the_credits_page() {
    let plan = plan(
        "code title shortTitle startYear endYear approvedOn approvedBy approvalStatement
         published publishedPlace legalDeposit copyright publicationLanguages publicationNote
         generalObjective current",
    )
    .await;

    assert_eq!(plan["code"], "AMB-PI-2021-2025");
    assert_eq!(
        plan["title"],
        "Plan de Internacionalización del Área Metropolitana de Barcelona 2021-2025"
    );
    assert_eq!(plan["startYear"], 2021);
    assert_eq!(plan["endYear"], 2025);
    assert_eq!(plan["approvedOn"], "2021-07-27");
    assert_eq!(plan["approvedBy"], "Consejo Metropolitano del AMB");
    assert_eq!(
        plan["approvalStatement"],
        "El Plan de Internacionalización del Área Metropolitana de Barcelona 2021-2025 fue \
         aprobado por el Consejo Metropolitano del AMB el 27 de julio de 2021."
    );
    assert_eq!(plan["published"], "2021-11");
    assert_eq!(plan["publishedPlace"], "Barcelona");
    assert_eq!(plan["legalDeposit"], "B 19980-2021");
    assert_eq!(plan["copyright"], "© Àrea Metropolitana de Barcelona");
    // "se edita en catalán, castellano, francés e inglés"
    assert_eq!(
        string_list(&plan["publicationLanguages"]),
        ["CA", "ES", "FR", "EN"]
    );
    assert_eq!(
        plan["publicationNote"],
        "Para contribuir a la difusión internacional de los contenidos del Plan, esta \
         publicación se edita en catalán, castellano, francés e inglés."
    );
    assert_eq!(
        plan["generalObjective"],
        "El Plan de Internacionalización tiene como objetivo general potenciar la \
         sostenibilidad, la competitividad, la dimensión innovadora, la calidad y la eficiencia \
         de las políticas que impulsa el AMB y proyectar sus activos."
    );
    assert_eq!(plan["current"], true);
}

#[tokio::test]
async fn credits_are_the_six_headings_of_the_credits_page() {
    let plan = plan("credits { role text }").await;
    let credits = &plan["credits"];

    assert_eq!(
        strings(credits, "role"),
        [
            "Coordinación de contenidos",
            "Fotografías",
            "La autoría del resto de fotografías corresponde a:",
            "Edición",
            "Diseño gráfico y maquetación",
            "Impresión",
        ]
    );
    assert_eq!(
        credits[0]["text"],
        "AMB. Área de Internacional y de Cooperación"
    );
    assert_eq!(credits[3]["text"], "AMB. Oficina Técnica de Gerencia");
    assert_eq!(credits[5]["text"], "Impressions PJS&C");
    // A credit of several lines keeps one line per name.
    assert_eq!(
        credits[4]["text"],
        "AMB. Servicio de Comunicación\nEGP - Estudi Gràfic El Prat"
    );
    let authors = text(&credits[2]["text"]);
    assert_eq!(authors.lines().count(), 13);
    assert_eq!(authors.lines().next(), Some("GZM Metropolia: pág. 6"));
    assert_eq!(
        authors.lines().last(),
        Some("Ossip van Duivenbode: pág. 29")
    );
}

// ------------------------------------------------------------------ narrative sections

#[tokio::test]
async fn sections_follow_the_table_of_contents() {
    let plan = plan("sections { code numeral title }").await;
    let sections = &plan["sections"];

    assert_eq!(
        codes(sections),
        [
            "presentation",
            "introduction",
            "methodology",
            "starting-point",
            "objective",
            "priority-themes",
            "strategic-lines",
            "forms-of-intervention",
            "geographic-zones",
            "actor-map",
            "governance",
            "communication",
            "monitoring-evaluation",
            "participants",
        ]
    );
    assert_eq!(
        strings(sections, "numeral"),
        [
            "", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", ""
        ]
    );
    assert_eq!(
        strings(sections, "title"),
        [
            "Presentación institucional",
            "Introducción",
            "Apunte metodológico",
            "Punto de partida",
            "Objetivo",
            "Temas prioritarios",
            "Líneas estratégicas y resultados esperados",
            "Formas de intervención",
            "Zonas geográficas de intervención",
            "Mapa de actores prioritarios",
            "Gobernanza de la internacionalización del AMB",
            "Comunicación",
            "Monitorización y evaluación",
            "Lista de participantes",
        ]
    );
}

#[tokio::test]
async fn presentation_is_signed_by_the_vice_president() {
    let plan = plan(r#"section(code: "presentation") { title body signature }"#).await;
    let section = &plan["section"];
    let body = text(&section["body"]);

    // The drop cap "**M**e complace" is one word.
    assert!(
        body.starts_with(
            "Me complace presentarles el Plan de Internacionalización del Área Metropolitana de \
             Barcelona 2021-2025, que tiene como objetivo definir las bases de actuación de la \
             acción internacional del AMB de los próximos cinco años."
        ),
        "{body}"
    );
    assert!(body.ends_with(
        "No puede existir un área metropolitana de Barcelona que sea potente internamente sin \
         un área metropolitana fuerte fuera de sus límites, y por eso es importante el plan que \
         se presenta aquí."
    ));
    assert_eq!(body.split("\n\n").count(), 5, "five paragraphs");
    // "(*hinterland*)" loses its markup.
    assert!(body.contains("depende del traspais (hinterland), con el que"));
    // A paragraph split by a page break is one paragraph.
    assert!(body.contains("está en regresión, ya que ha perdido 10 puntos porcentuales"));
    assert_eq!(
        section["signature"],
        "Ernest Maragall i Mira, Vicepresidente del Área de Internacional y de Cooperación"
    );
}

#[tokio::test]
async fn introduction_lists_the_ten_pam_principles() {
    let plan = plan(r#"section(code: "introduction") { numeral title body }"#).await;
    let body = text(&plan["section"]["body"]);

    assert!(body.starts_with(
        "En 2050 más de dos tercios de la población mundial vivirá en zonas urbanas o \
         metropolitanas."
    ));
    let principles: Vec<&str> = body.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(principles.len(), 10, "{principles:#?}");
    assert_eq!(
        principles[0],
        "- Promover una metrópolis territorialmente vertebrada y socialmente cohesionada."
    );
    assert_eq!(
        principles[9],
        "- Construir un modelo metropolitano plenamente alineado con los objetivos de \
         desarrollo sostenible de las Naciones Unidas."
    );
    assert!(body.contains(
        "que apuntan a los siguientes hitos:\n\n- Promover una metrópolis territorialmente"
    ));
    assert!(body.ends_with(
        "que ofrece una estrategia y líneas prioritarias de trabajo en el ámbito de las \
         relaciones internacionales del AMB para los próximos 5 años."
    ));
}

#[tokio::test]
async fn words_split_across_pages_are_joined() {
    let plan = plan(
        r#"intro: section(code: "introduction") { body }
           method: section(code: "methodology") { body }"#,
    )
    .await;
    let intro = text(&plan["intro"]["body"]);
    let method = text(&plan["method"]["body"]);

    // "Plan Metro-" / "litano de Movilidad Urbana"
    assert!(intro.contains(
        "gestiona la movilidad urbana (rondas, transporte de viajeros y Plan Metropolitano de \
         Movilidad Urbana), y promueve políticas de vivienda"
    ));
    assert!(!intro.contains("Metro-"));
    // "ayuda a im-" / [photo caption] / "pulsar estrategias"
    assert!(
        intro.contains("que ayuda a impulsar estrategias inteligentes, sostenibles e inclusivas")
    );
    // "los procesos de reflexión" / [photo caption] / "estratégica"
    assert!(
        intro
            .contains("hasta los procesos de reflexión estratégica y la ordenación del territorio")
    );
    // "en el escenario" / [photo caption] / "internacional"
    assert!(intro.contains(
        "se ha convertido en un actor reconocido en el escenario internacional, en especial"
    ));
    // "y faci-" / "lita la captación"
    assert!(intro.contains("y facilita la captación y transferencia de conocimiento e innovación"));
    // "documenta-" / "ción referida a otras instituciones"
    assert!(
        method.contains("proyectos estratégicos, documentación referida a otras instituciones")
    );
    assert!(method.contains("En total se han hecho más de 30 entrevistas."));
}

#[tokio::test]
async fn no_photo_caption_or_markup_leaks_into_any_text() {
    let data = query(
        "{ plan {
             sections { code body signature }
             strategicLines { code description scopes { code description } }
             zones { code description partnersStatement }
             formsOfIntervention { code description }
             governance { code description }
           } }",
    )
    .await;
    let plan = &data["plan"];
    for section in items(&plan["sections"]) {
        let what = format!("section {}", section["code"]);
        assert_clean(&what, text(&section["body"]));
    }
    for line in items(&plan["strategicLines"]) {
        assert_clean(
            &format!("line {}", line["code"]),
            text(&line["description"]),
        );
        for scope in items(&line["scopes"]) {
            assert_clean(
                &format!("scope {}", scope["code"]),
                text(&scope["description"]),
            );
        }
    }
    for zone in items(&plan["zones"]) {
        assert_clean(
            &format!("zone {}", zone["code"]),
            text(&zone["description"]),
        );
        assert_clean(
            &format!("zone {}", zone["code"]),
            text(&zone["partnersStatement"]),
        );
    }
    for form in items(&plan["formsOfIntervention"]) {
        assert_clean(
            &format!("form {}", form["code"]),
            text(&form["description"]),
        );
    }
    for item in items(&plan["governance"]) {
        assert_clean(
            &format!("governance {}", item["code"]),
            text(&item["description"]),
        );
    }
}

#[tokio::test]
async fn short_sections_are_verbatim() {
    let plan = plan(
        r#"start: section(code: "starting-point") { body }
           lines: section(code: "strategic-lines") { body }
           forms: section(code: "forms-of-intervention") { body }
           map: section(code: "actor-map") { body }
           communication: section(code: "communication") { body }
           participants: section(code: "participants") { body }"#,
    )
    .await;

    assert!(text(&plan["start"]["body"]).starts_with(
        "Del diagnóstico participativo realizado en el proceso de diseño del Plan se pueden \
         extraer una serie de conclusiones y aprendizajes."
    ));
    assert_eq!(
        plan["lines"]["body"],
        "Para alcanzar los objetivos que fija el Plan, se han definido un conjunto de líneas \
         estratégicas que se estructuran, a la vez, en acciones concretas."
    );
    assert_eq!(
        plan["forms"]["body"],
        "El desarrollo de las líneas estratégicas que se describen en el punto anterior se \
         realiza mediante diferentes formas o modalidades de intervención."
    );
    assert!(text(&plan["map"]["body"]).starts_with(
        "Para implementar este plan, el AMB cuenta con la participación de numerosos actores"
    ));
    assert_eq!(
        plan["communication"]["body"],
        "Se desarrollará una estrategia de comunicación y medios en cooperación con el Servicio \
         de Comunicación del AMB.\n\nLa estrategia de comunicación del Plan de \
         Internacionalización hará una apuesta clara por los resultados de los proyectos, por \
         los contenidos y por las noticias de los ayuntamientos y los actores metropolitanos, \
         sin dejar de lado las noticias de carácter más institucional."
    );
    assert_eq!(
        plan["participants"]["body"],
        "La elaboración inicial de este documento ha sido coordinada por el Servicio de \
         Relaciones Internacionales del Área de Internacional y de Cooperación con el apoyo de \
         la asistencia técnica de Agustí Fernández de Losada y Alexander Heichlinger de Tornos \
         Abogados."
    );
}

// ------------------------------------------------------------------ key figures

/// A figure the source states: code, value, unit, comparator, year, and its sentence.
struct Figure {
    code: &'static str,
    value: &'static str,
    unit: &'static str,
    comparator: &'static str,
    year: Option<i64>,
    sentence: &'static str,
}

const INHABITANTS_SENTENCE: &str = "El Área Metropolitana de Barcelona es la Administración \
    pública de la conurbación metropolitana de Barcelona, un territorio formado por 36 \
    municipios, donde viven 3,2 millones de personas.";

const EU_FUNDS_SENTENCE: &str = "El convenio del Fondo Europeo de Desarrollo Regional (FEDER) \
    entre la Generalitat de Cataluña y el AMB por 30 millones de euros o la participación en más \
    de 50 proyectos europeos por un importe de 9,46 millones de euros de subvención en el periodo \
    2014-2020 son un buen ejemplo del trabajo que se ha realizado.";

const EIB_SENTENCE: &str = "También cabe destacar el préstamo de 50 millones de euros del Banco \
    Europeo de Inversiones (BEI), gestionado por el Consorcio Metropolitano de la Vivienda.";

/// The figures named by the issue.
const FIGURES: &[Figure] = &[
    Figure {
        code: "municipalities",
        value: "36",
        unit: "MUNICIPALITY",
        comparator: "EXACT",
        year: None,
        sentence: INHABITANTS_SENTENCE,
    },
    Figure {
        code: "inhabitants",
        value: "3200000",
        unit: "PERSON",
        comparator: "EXACT",
        year: None,
        sentence: INHABITANTS_SENTENCE,
    },
    Figure {
        code: "feder-agreement",
        value: "30000000",
        unit: "EUR",
        comparator: "EXACT",
        year: None,
        sentence: EU_FUNDS_SENTENCE,
    },
    Figure {
        code: "eu-projects-2014-2020",
        value: "50",
        unit: "PROJECT",
        comparator: "MORE_THAN",
        year: Some(2020),
        sentence: EU_FUNDS_SENTENCE,
    },
    Figure {
        code: "eu-project-grants-2014-2020",
        value: "9460000",
        unit: "EUR",
        comparator: "EXACT",
        year: Some(2020),
        sentence: EU_FUNDS_SENTENCE,
    },
    Figure {
        code: "eib-loan",
        value: "50000000",
        unit: "EUR",
        comparator: "EXACT",
        year: None,
        sentence: EIB_SENTENCE,
    },
];

/// Every sentence of the source a key figure may come from, copied from the document.
const FIGURE_SENTENCES: &[&str] = &[
    "Me complace presentarles el Plan de Internacionalización del Área Metropolitana de \
     Barcelona 2021-2025, que tiene como objetivo definir las bases de actuación de la acción \
     internacional del AMB de los próximos cinco años.",
    "Sin incluir estos elementos, se podría decir que el área metropolitana de Barcelona está \
     en regresión, ya que ha perdido 10 puntos porcentuales de peso demográfico y económico \
     durante las últimas décadas: del 53 % de la población catalana en 1970 se ha pasado al 43 % \
     actual.",
    "En 2050 más de dos tercios de la población mundial vivirá en zonas urbanas o \
     metropolitanas.",
    "En términos económicos, la mayoría del PIB mundial se genera y se consume en las regiones \
     metropolitanas; en el caso de la Unión Europea, esto supone aproximadamente el 70 % del PIB \
     total producido.",
    INHABITANTS_SENTENCE,
    "Es la aglomeración metropolitana más importante del Mediterráneo occidental, donde se \
     genera la mitad del PIB de Cataluña y el 10 % del PIB de España.",
    "Todas estas funciones las desarrolla a través de un sistema de gobernanza metropolitana en \
     el que los 36 ayuntamientos y sus alcaldes y alcaldesas están representados en los órganos \
     de gobierno de la institución.",
    "En este contexto, se ha elaborado este plan de internacionalización, que ofrece una \
     estrategia y líneas prioritarias de trabajo en el ámbito de las relaciones internacionales \
     del AMB para los próximos 5 años.",
    "En la elaboración han participado más de un centenar de instituciones, como los \
     ayuntamientos metropolitanos y otras administraciones del país, actores económicos y \
     sociales, centros de investigación, redes de ciudades, otras áreas metropolitanas de todo \
     el mundo y los propios trabajadores del AMB.",
    "En total se han hecho más de 30 entrevistas.",
    "El impulso de la Agenda Urbana de la Unión por el Mediterráneo es una buena muestra del \
     creciente interés de la organización por un tema que se ha vuelto primordial para una \
     región en la que el 80 % de la población será urbana en el año 2030.",
    EU_FUNDS_SENTENCE,
    EIB_SENTENCE,
    "A través de la red EMA, el AMB tiene un marco de relación con más de 40 metrópolis \
     europeas.",
    "Con la voluntad de garantizar una articulación correcta con los 36 ayuntamientos \
     metropolitanos, se reforzará el grupo de trabajo de Asuntos Internacionales, que tendrá \
     como objetivo intercambiar informaciones de interés para los municipios, promover proyectos \
     y actividades conjuntos, compartir posicionamientos en el ámbito de la UE y de otros \
     organismos internacionales, etc.",
];

#[tokio::test]
async fn key_figures_named_by_the_issue_have_exact_values_and_units() {
    let plan = plan("keyFigures { code value unit comparator year sentence sectionCode }").await;
    let figures = &plan["keyFigures"];

    for expected in FIGURES {
        let figure = find(figures, "code", expected.code);
        assert_eq!(figure["value"], expected.value, "{}", expected.code);
        assert_eq!(figure["unit"], expected.unit, "{}", expected.code);
        assert_eq!(
            figure["comparator"], expected.comparator,
            "{}",
            expected.code
        );
        assert_eq!(figure["year"].as_i64(), expected.year, "{}", expected.code);
        assert_eq!(figure["sentence"], expected.sentence, "{}", expected.code);
    }
    assert_eq!(
        find(figures, "code", "inhabitants")["sectionCode"],
        "introduction"
    );
    assert_eq!(
        find(figures, "code", "eib-loan")["sectionCode"],
        "strategic-lines"
    );
}

#[tokio::test]
async fn every_key_figure_sentence_is_a_sentence_of_the_source() {
    let plan = plan("keyFigures { code sentence sectionCode } sections { code }").await;
    let sections = codes(&plan["sections"]);
    let figures = items(&plan["keyFigures"]);

    assert!(!figures.is_empty());
    for figure in figures {
        let sentence = text(&figure["sentence"]);
        assert!(
            FIGURE_SENTENCES.contains(&sentence),
            "key figure {} cites a sentence that is not in the source: {sentence}",
            figure["code"]
        );
        assert!(
            sections.iter().any(|c| figure["sectionCode"] == c.as_str()),
            "key figure {} names an unknown section",
            figure["code"]
        );
    }
}

// ------------------------------------------------------------------ SWOT

#[tokio::test]
async fn swot_has_eleven_strengths_twelve_weaknesses_eleven_opportunities_five_threats() {
    let plan = plan(
        "all: swot { code kind }
         strengths: swot(kind: STRENGTH) { code text }
         weaknesses: swot(kind: WEAKNESS) { code text }
         opportunities: swot(kind: OPPORTUNITY) { code text }
         threats: swot(kind: THREAT) { code text }",
    )
    .await;

    assert_eq!(items(&plan["all"]).len(), 39);
    let kinds = strings(&plan["all"], "kind");
    let expected_kinds: Vec<&str> = [
        ("STRENGTH", 11),
        ("WEAKNESS", 12),
        ("OPPORTUNITY", 11),
        ("THREAT", 5),
    ]
    .into_iter()
    .flat_map(|(kind, n)| std::iter::repeat_n(kind, n))
    .collect();
    assert_eq!(kinds, expected_kinds, "document order: S, W, O, T");

    let cases = [
        (
            "strengths",
            11,
            "Prestigio del AMB entre los municipios y en el ámbito internacional",
            "Acceso a gran cantidad de conocimiento que permite innovar en las políticas y los \
             servicios metropolitanos",
        ),
        (
            "weaknesses",
            12,
            "Debate metropolitano que requiere consensos más amplios en temas clave (límites \
             territoriales, gobernanza, nuevas competencias, etc.)",
            "Falta de relación directa con la ciudadanía",
        ),
        (
            "opportunities",
            11,
            "Marca Barcelona muy potente y reconocida a escala internacional",
            "Presencia institucional catalana en Bruselas (Delegación del Gobierno y Oficina de \
             la Diputación de Barcelona)",
        ),
        (
            "threats",
            5,
            "Contexto de crisis generado por la pandemia de la COVID-19",
            "Dificultad a la hora de explicar los objetivos y los resultados de la acción \
             internacional",
        ),
    ];
    for (kind, count, first, last) in cases {
        let list = items(&plan[kind]);
        assert_eq!(list.len(), count, "{kind}");
        assert_eq!(list[0]["text"], first, "first of {kind}");
        assert_eq!(list[count - 1]["text"], last, "last of {kind}");
    }
    // The typo of the original is kept.
    assert_eq!(
        plan["weaknesses"][7]["text"],
        "Ausencia de una estrategia sistematizada de gestión/transferecia del conocimiento y la \
         innovación"
    );
    assert_eq!(plan["strengths"][0]["code"], "S1");
    assert_eq!(plan["weaknesses"][11]["code"], "W12");
    assert_eq!(plan["threats"][4]["code"], "T5");
}

// ------------------------------------------------------------------ objectives and themes

#[tokio::test]
async fn specific_objectives_are_verbatim() {
    let plan = plan("specificObjectives { code number text }").await;
    let objectives = &plan["specificObjectives"];

    assert_eq!(codes(objectives), ["OE1", "OE2", "OE3"]);
    assert_eq!(objectives[0]["number"], 1);
    assert_eq!(objectives[2]["number"], 3);
    assert_eq!(
        objectives[0]["text"],
        "Incidir en las agendas políticas europeas e internacionales con la finalidad de \
         promover los intereses, las necesidades y aspiraciones del AMB y de su metrópolis."
    );
    assert_eq!(
        objectives[1]["text"],
        "Contribuir a transformar el modelo productivo y de cohesión social y territorial de la \
         metrópolis de Barcelona."
    );
    assert_eq!(
        objectives[2]["text"],
        "Proyectar una AMB innovadora, orientada al conocimiento, basada en valores y abierta al \
         mundo."
    );
}

#[tokio::test]
async fn priority_themes_are_three_own_competences_two_growing_and_others() {
    let plan = plan(
        "themes { code category title subtopics summaryLabel }
         own: themes(category: OWN_COMPETENCE) { title }
         growing: themes(category: GROWING) { title }
         other: themes(category: OTHER) { title description }",
    )
    .await;
    let themes = &plan["themes"];

    assert_eq!(items(themes).len(), 6);
    assert_eq!(
        strings(&plan["own"], "title"),
        [
            "Territorio",
            "Movilidad sostenible y transporte",
            "Ecología"
        ]
    );
    assert_eq!(
        strings(&plan["growing"], "title"),
        ["Desarrollo social y económico", "Vivienda"]
    );
    assert_eq!(strings(&plan["other"], "title"), ["Otros"]);
    assert!(text(&plan["other"][0]["description"]).contains(
        "La acción internacional del AMB también debe apuntar temas como la transición digital \
         o la disrupción tecnológica"
    ));

    // "Territorio (urbanismo, infraestructuras metropolitanas, infraestructura verde, espacio público)"
    let territory = find(themes, "title", "Territorio");
    assert_eq!(territory["category"], "OWN_COMPETENCE");
    assert_eq!(
        string_list(&territory["subtopics"]),
        [
            "urbanismo",
            "infraestructuras metropolitanas",
            "infraestructura verde",
            "espacio público"
        ]
    );
    // "Ecología (aguas, residuos, cambio climático, transición energética)"
    let ecology = find(themes, "title", "Ecología");
    assert_eq!(
        string_list(&ecology["subtopics"]),
        [
            "aguas",
            "residuos",
            "cambio climático",
            "transición energética"
        ]
    );
    assert_eq!(
        ecology["summaryLabel"],
        "Ecología (aguas, residuos, cambio climático, transición energética)"
    );
    assert_eq!(
        territory["summaryLabel"],
        "Territorio (urbanismo, infraestructuras metropolitanas, infraestructura verde y \
         espacio público)"
    );
    let mobility = find(themes, "title", "Movilidad sostenible y transporte");
    assert_eq!(string_list(&mobility["subtopics"]), Vec::<String>::new());
}

// ------------------------------------------------------------------ strategic lines and actions

#[tokio::test]
async fn strategic_lines_have_exact_titles() {
    let plan = plan("strategicLines { code number title description }").await;
    let lines = &plan["strategicLines"];

    assert_eq!(codes(lines), ["LE1", "LE2", "LE3", "LE4", "LE5"]);
    assert_eq!(
        strings(lines, "title"),
        [
            "Incidencia en la agenda política europea e internacional",
            "Captación de fondos europeos e internacionales",
            "Innovación y gestión del conocimiento en ámbitos metropolitanos",
            "Proyección económica internacional",
            "Cooperación internacional",
        ]
    );
    for (i, line) in items(lines).iter().enumerate() {
        assert_eq!(line["number"], i + 1);
    }
    assert!(text(&lines[0]["description"]).starts_with(
        "El AMB realiza un seguimiento de las agendas políticas europeas e internacionales"
    ));
    // "…comunicar la agenda metropolitana" / page break / "y sensibilizar…": one sentence.
    assert!(text(&lines[0]["description"]).contains(
        "tener capacidad para comunicar la agenda metropolitana y sensibilizar a las \
         instituciones europeas"
    ));
    assert!(text(&lines[4]["description"]).ends_with(
        "Este plan apuesta claramente por generar sinergias con el Plan Director de Cooperación \
         Internacional aprobado por el AMB (2020-2023) y por velar por la coherencia en el \
         conjunto de la acción internacional."
    ));
}

#[tokio::test]
async fn le1_has_three_scopes_with_their_actions() {
    let data = query(
        r#"{ strategicLine(code: "LE1") {
              scopes { code title description actions { code } }
           } }"#,
    )
    .await;
    let scopes = &data["strategicLine"]["scopes"];

    assert_eq!(codes(scopes), ["LE1-EU", "LE1-MED", "LE1-UN"]);
    assert_eq!(
        strings(scopes, "title"),
        [
            "Unión Europea",
            "Región euromediterránea",
            "Naciones Unidas y otros espacios multilaterales"
        ]
    );
    assert_eq!(
        codes(&scopes[0]["actions"]),
        ["LE1.1", "LE1.2", "LE1.3", "LE1.4"]
    );
    assert_eq!(codes(&scopes[1]["actions"]), ["LE1.5", "LE1.6"]);
    assert_eq!(
        codes(&scopes[2]["actions"]),
        [
            "LE1.7", "LE1.8", "LE1.9", "LE1.10", "LE1.11", "LE1.12", "LE1.13"
        ]
    );
    assert!(text(&scopes[1]["description"]).starts_with(
        "Desde hace años Barcelona apuesta, de forma explícita, por ser la capital del \
         Mediterráneo"
    ));
    // "la red EMA" / page break / "(European Metropolitan Authorities)"
    assert!(text(&scopes[0]["description"]).contains(
        "mediante la red EMA (European Metropolitan Authorities) y generando alianzas puntuales"
    ));

    let other = query(r#"{ strategicLine(code: "LE2") { scopes { code } } }"#).await;
    assert_eq!(items(&other["strategicLine"]["scopes"]).len(), 0);
}

#[tokio::test]
async fn there_are_29_actions_in_document_order() {
    let data = query(
        "{ actions(first: 100) { totalCount nodes { code } }
           plan { strategicLines { code actions { code } } } }",
    )
    .await;

    assert_eq!(data["actions"]["totalCount"], 29);
    assert_eq!(codes(&data["actions"]["nodes"]), all_action_codes());

    let lines = &data["plan"]["strategicLines"];
    let per_line: Vec<Vec<String>> = items(lines).iter().map(|l| codes(&l["actions"])).collect();
    assert_eq!(
        per_line,
        [
            action_codes(1, 13),
            action_codes(2, 4),
            action_codes(3, 6),
            action_codes(4, 5),
            action_codes(5, 1),
        ]
    );
    assert_eq!(per_line.concat(), all_action_codes());
}

#[tokio::test]
async fn actions_have_the_exact_titles_of_the_tables() {
    let data = query(
        "{ actions(first: 100) { nodes { code title strategicLine { code } scope { code } } } }",
    )
    .await;
    let actions = &data["actions"]["nodes"];

    let expected = [
        // LE1: first, each scope's first, last.
        (
            "LE1.1",
            "Seguimiento de las políticas impulsadas por la UE y análisis en clave metropolitana",
        ),
        (
            "LE1.4",
            "Acciones conjuntas con otras redes (Eurocities, Metrex, EIT Urban Mobility, UITP, ICLEI, ACR+)",
        ),
        (
            "LE1.5",
            "Seguimiento de la Agenda Urbana y otras agendas políticas de la UpM",
        ),
        ("LE1.6", "Foro Metropolitano del Mediterráneo"),
        ("LE1.7", "Seguimiento de las principales agendas globales"),
        (
            "LE1.9",
            "Impulso del Observatorio Metropolis y de City Managers Community (CMC)",
        ),
        (
            "LE1.10",
            "Seguimiento de la evolución del ecosistema de redes globales y valoración de la incorporación del AMB a nuevas redes",
        ),
        (
            "LE1.13",
            "Seguimiento de la contribución del PAM a la Agenda 2030 y elaboración y publicación del “Voluntary Local Review” (VLR) del AMB",
        ),
        // LE2
        (
            "LE2.1",
            "Seguimiento de los instrumentos financieros incluidos en el fondo Next Generation EU y en el Marco financiero plurianual 2021-2027",
        ),
        (
            "LE2.4",
            "Seguimiento de la sostenibilidad de los proyectos y de sus resultados una vez terminada la financiación europea",
        ),
        // LE3: the "( <i>innovation bridges</i> )" markup is gone.
        (
            "LE3.1",
            "Crear el Foro de Conocimiento Internacional Metropolitano",
        ),
        (
            "LE3.2",
            "Desarrollar una metodología de transferencia (innovation bridges) con socios estratégicos",
        ),
        (
            "LE3.4",
            "Reforzar alianzas con centros de investigación, think tanks y universidades centradas en el conocimiento: tecnologías y políticas aplicadas a las competencias metropolitanas",
        ),
        (
            "LE3.6",
            "Participar en eventos internacionales para transferir conocimiento (por ejemplo, la Bienal de Arquitectura y Urbanismo de Seúl)",
        ),
        // LE4
        (
            "LE4.1",
            "Impulsar iniciativas público-privadas que potencien la internacionalización del Área Metropolitana de Barcelona y participar en ellas",
        ),
        (
            "LE4.3",
            "Consolidar el Portal de la Agencia de Desarrollo Económico del AMB como mecanismo de captación de inversiones y participar en ferias como el MIPIM o Expo Real",
        ),
        (
            "LE4.5",
            "Dar apoyo a la internacionalización de las pymes del territorio",
        ),
        // LE5
        (
            "LE5.1",
            "Ejecutar el Plan Director de Cooperación Internacional y vincularlo a otras líneas de la acción internacional del AMB",
        ),
    ];
    for (code, title) in expected {
        let action = find(actions, "code", code);
        assert_eq!(action["title"], title, "{code}");
        let line = code.split('.').next().unwrap_or_default();
        assert_eq!(action["strategicLine"]["code"], line, "{code}");
    }
    assert_eq!(find(actions, "code", "LE1.1")["scope"]["code"], "LE1-EU");
    assert_eq!(find(actions, "code", "LE1.6")["scope"]["code"], "LE1-MED");
    assert_eq!(find(actions, "code", "LE1.13")["scope"]["code"], "LE1-UN");
    assert_eq!(find(actions, "code", "LE2.1")["scope"], Value::Null);
}

#[tokio::test]
async fn actions_keep_the_actor_cells_as_worded() {
    let data = query(
        r#"{ a: action(code: "LE1.1") { responsibleText involvedText }
             b: action(code: "LE1.6") { responsibleText involvedText }
             c: action(code: "LE1.10") { responsibleText involvedText }
             d: action(code: "LE3.3") { responsibleText involvedText }
             e: action(code: "LE4.2") { responsibleText involvedText }
             f: action(code: "LE5.1") { responsibleText involvedText } }"#,
    )
    .await;

    assert_eq!(
        data["a"]["responsibleText"],
        "Servicio de Relaciones Internacionales"
    );
    assert_eq!(
        data["a"]["involvedText"],
        "Servicios técnicos del AMB, ayuntamientos y actores territoriales, cuando corresponda"
    );
    assert_eq!(
        data["b"]["responsibleText"],
        "Servicio de Relaciones Internacionales y Servicio de Cooperación Internacional"
    );
    assert_eq!(
        data["b"]["involvedText"],
        "Ayuntamientos metropolitanos, servicios técnicos del AMB, Generalitat de Cataluña, \
         Administración del Estado, instituciones comunitarias, EMA, MedCities, UpM, CIDOB, \
         IEMed, ARLEM, CRPM, etc."
    );
    // The table leaves the involved cell of this row empty.
    assert_eq!(
        data["c"]["responsibleText"],
        "Servicio de Relaciones Internacionales"
    );
    assert_eq!(data["c"]["involvedText"], "");
    assert_eq!(
        data["d"]["responsibleText"],
        "Servicio de Relaciones Internacionales y red AL-LAS"
    );
    assert_eq!(data["d"]["involvedText"], "CIDOB, IBEI, Metropolis");
    assert_eq!(
        data["e"]["responsibleText"],
        "Agencia de Desarrollo Económico y ayuntamientos promotores"
    );
    assert_eq!(
        data["f"]["responsibleText"],
        "Servicio de Cooperación Internacional"
    );
    assert_eq!(
        data["f"]["involvedText"],
        "Servicios técnicos del AMB, ayuntamientos metropolitanos, ONG, cooperación catalana, \
         MedCities, Metropolis, Comisión Europea"
    );
}

#[tokio::test]
async fn actions_link_their_actors_to_the_registry() {
    let data = query(
        r#"{ le11: action(code: "LE1.1") { responsibleUnits { code } involvedActors { code } }
             le15: action(code: "LE1.5") { responsibleUnits { code } involvedActors { code } }
             le19: action(code: "LE1.9") { responsibleUnits { code } }
             le110: action(code: "LE1.10") { responsibleUnits { code } involvedActors { code } involvedText }
             le113: action(code: "LE1.13") { responsibleUnits { code } involvedActors { code } }
             le33: action(code: "LE3.3") { responsibleUnits { code } involvedActors { code } }
             le41: action(code: "LE4.1") { responsibleUnits { code } }
             le51: action(code: "LE5.1") { responsibleUnits { code } involvedActors { code } } }"#,
    )
    .await;
    let sorted = |v: &Value| {
        let mut c = codes(v);
        c.sort();
        c
    };

    // "Servicio de Relaciones Internacionales"
    assert_eq!(codes(&data["le11"]["responsibleUnits"]), ["AMB-SRI"]);
    // "Servicios técnicos del AMB, ayuntamientos y actores territoriales, cuando corresponda"
    let involved = codes(&data["le11"]["involvedActors"]);
    assert!(
        involved.contains(&"AMB-SERVEIS-TECNICS".to_owned()),
        "{involved:?}"
    );
    assert!(
        involved.contains(&"MUNICIPALITIES".to_owned()),
        "{involved:?}"
    );
    // "Servicio de Relaciones Internacionales, Servicio de Cooperación Internacional y MedCities"
    assert_eq!(
        sorted(&data["le15"]["responsibleUnits"]),
        ["AMB-SCI", "AMB-SRI", "MEDCITIES"]
    );
    // "Ayuntamientos metropolitanos y servicios técnicos del AMB"
    assert_eq!(
        sorted(&data["le15"]["involvedActors"]),
        ["AMB-SERVEIS-TECNICS", "MUNICIPALITIES"]
    );
    // "Metropolis"
    assert_eq!(codes(&data["le19"]["responsibleUnits"]), ["METROPOLIS"]);
    // An empty involved cell names no actor.
    assert_eq!(codes(&data["le110"]["responsibleUnits"]), ["AMB-SRI"]);
    assert_eq!(data["le110"]["involvedText"], "");
    assert_eq!(items(&data["le110"]["involvedActors"]).len(), 0);
    // "Área de Desarrollo Social y Económico" / "Área de Internacional y de Cooperación y otras áreas del AMB"
    assert_eq!(codes(&data["le113"]["responsibleUnits"]), ["AMB-ADSE"]);
    assert!(codes(&data["le113"]["involvedActors"]).contains(&"AMB-AIC".to_owned()));
    // "Servicio de Relaciones Internacionales y red AL-LAS" / "CIDOB, IBEI, Metropolis"
    assert_eq!(
        sorted(&data["le33"]["responsibleUnits"]),
        ["AL-LAS", "AMB-SRI"]
    );
    assert_eq!(
        sorted(&data["le33"]["involvedActors"]),
        ["CIDOB", "IBEI", "METROPOLIS"]
    );
    // "Agencia de Desarrollo Económico"
    assert_eq!(codes(&data["le41"]["responsibleUnits"]), ["AMB-ADE"]);
    // "Servicio de Cooperación Internacional" / "… MedCities, Metropolis, Comisión Europea"
    assert_eq!(codes(&data["le51"]["responsibleUnits"]), ["AMB-SCI"]);
    let involved = codes(&data["le51"]["involvedActors"]);
    for code in [
        "AMB-SERVEIS-TECNICS",
        "MUNICIPALITIES",
        "MEDCITIES",
        "METROPOLIS",
        "EC",
    ] {
        assert!(
            involved.contains(&code.to_owned()),
            "LE5.1 involves {code}: {involved:?}"
        );
    }
}

// ------------------------------------------------------------------ expected results

#[tokio::test]
async fn expected_results_are_sixteen_without_the_repeated_le4_sentence() {
    let plan = plan("strategicLines { code expectedResults { code text } }").await;
    let lines = items(&plan["strategicLines"]);

    let counts: Vec<usize> = lines
        .iter()
        .map(|l| items(&l["expectedResults"]).len())
        .collect();
    assert_eq!(counts, [5, 2, 5, 3, 1]);
    assert_eq!(counts.iter().sum::<usize>(), 16);

    let le1 = &lines[0]["expectedResults"];
    assert_eq!(
        codes(le1),
        ["LE1.R1", "LE1.R2", "LE1.R3", "LE1.R4", "LE1.R5"]
    );
    assert_eq!(
        le1[0]["text"],
        "Generar espacios de diálogo político con otras áreas metropolitanas, instituciones \
         europeas e internacionales y otros actores relevantes."
    );
    assert_eq!(
        le1[3]["text"],
        "Presentar el primer “Voluntary Local Review” del AMB."
    );
    assert_eq!(
        lines[1]["expectedResults"][1]["text"],
        "Capitalizar los proyectos que tienen continuidad más allá de la financiación de la UE."
    );
    assert_eq!(
        lines[2]["expectedResults"][1]["text"],
        "Una metodología para potenciar los mecanismos de transferencia de innovación \
         (innovation bridges) en el ámbito metropolitano."
    );

    // LE 4: the extraction repeats one sentence; it is one result, stated once.
    let le4 = strings(&lines[3]["expectedResults"], "text");
    assert_eq!(
        le4,
        [
            "Mejorar el Portal de la Agencia de Desarrollo Económico y tener una herramienta \
             relevante para informar de procesos de captación de inversiones internacionales.",
            "Aumentar las inversiones internacionales en el Área Metropolitana de Barcelona.",
            "Aumentar las pymes internacionalizadas.",
        ]
    );
    assert_eq!(
        lines[4]["expectedResults"][0]["text"],
        "Plan Director de Cooperación Internacional ejecutado."
    );
    for line in lines {
        for result in items(&line["expectedResults"]) {
            let t = text(&result["text"]);
            assert!(!t.starts_with('»') && !t.starts_with('-'), "{t}");
        }
    }
}

// ------------------------------------------------------------------ forms of intervention

#[tokio::test]
async fn forms_of_intervention_contribute_to_each_line() {
    let plan = plan(
        "formsOfIntervention { code letter title description
           contributions { strategicLine { code } text } }",
    )
    .await;
    let forms = &plan["formsOfIntervention"];

    assert_eq!(codes(forms), ["FI-A", "FI-B", "FI-C", "FI-D"]);
    assert_eq!(strings(forms, "letter"), ["a", "b", "c", "d"]);
    assert_eq!(
        strings(forms, "title"),
        [
            "Concertación con los ayuntamientos metropolitanos",
            "Relaciones bilaterales con otras áreas metropolitanas",
            "Redes internacionales de ciudades y áreas metropolitanas",
            "Alianzas con socios estratégicos",
        ]
    );
    for form in items(forms) {
        let lines: Vec<String> = items(&form["contributions"])
            .iter()
            .map(|c| text(&c["strategicLine"]["code"]).to_owned())
            .collect();
        assert_eq!(
            lines,
            ["LE1", "LE2", "LE3", "LE4", "LE5"],
            "{}",
            form["code"]
        );
    }
    // The typo "partenariatado" of the original is kept.
    assert!(
        text(&forms[0]["description"])
            .contains("se desarrollan en partenariatado o de manera concertada")
    );
    // "Ciudades y Gobiernos" / page break / "Locales Unidos"
    assert!(text(&forms[2]["description"]).contains(
        "Metropolis (y, a través de esta, Ciudades y Gobiernos Locales Unidos), European \
         Metropolitan Authorities (EMA), MedCities, EIT Urban Mobility, ICLEI, UITP y ACR+."
    ));

    let contribution = |form: usize, line: usize| text(&forms[form]["contributions"][line]["text"]);
    assert_eq!(
        contribution(0, 0),
        "Información sobre la agenda política europea e internacional. Definición compartida de \
         los posicionamientos políticos."
    );
    assert_eq!(
        contribution(0, 4),
        "Vinculación de las redes internacionales de áreas metropolitanas en las que participa \
         el AMB con los ayuntamientos."
    );
    assert_eq!(contribution(1, 1), "Desarrollo de proyectos conjuntos.");
    assert_eq!(
        contribution(1, 2),
        "Transferencia de conocimiento (innovation bridges)."
    );
    assert_eq!(contribution(2, 1), "Proyectos conjuntos.");
    assert_eq!(
        contribution(2, 3),
        "Facilitación de vínculos y contactos entre los actores económicos."
    );
    assert_eq!(
        contribution(3, 0),
        "Posicionamientos políticos internacionales."
    );
    assert_eq!(
        contribution(3, 4),
        "Generación de conocimiento en el campo de la cooperación descentralizada. Mejora de las \
         prácticas de cooperación descentralizada."
    );
}

// ------------------------------------------------------------------ geographic zones

#[tokio::test]
async fn zones_and_the_lines_that_apply_in_each() {
    let plan = plan("zones { code name strategicLines { strategicLine { code } text } }").await;
    let zones = &plan["zones"];

    assert_eq!(
        codes(zones),
        [
            "EUROPE",
            "MEDITERRANEAN",
            "LATIN_AMERICA",
            "NORTH_AMERICA",
            "ASIA",
            "AFRICA"
        ]
    );
    assert_eq!(
        strings(zones, "name"),
        [
            "Europa",
            "Región mediterránea",
            "América Latina",
            "Estados Unidos y Canadá",
            "Asia",
            "África"
        ]
    );
    let applying: Vec<Vec<String>> = items(zones)
        .iter()
        .map(|z| {
            items(&z["strategicLines"])
                .iter()
                .map(|l| text(&l["strategicLine"]["code"]).to_owned())
                .collect()
        })
        .collect();
    assert_eq!(
        applying,
        [
            vec!["LE1", "LE2", "LE3", "LE4", "LE5"],
            vec!["LE1", "LE3", "LE4", "LE5"],
            vec!["LE3", "LE4", "LE5"],
            vec!["LE3", "LE4"],
            vec!["LE3", "LE4"],
            vec!["LE3", "LE5"],
        ]
    );

    // "- **LE 5.** El AMB comparte estrategias de cooperación descentrali-" / "zada con …"
    assert_eq!(
        zones[0]["strategicLines"][4]["text"],
        "El AMB comparte estrategias de cooperación descentralizada con otras metrópolis \
         europeas y busca financiación de la UE para impulsar proyectos en los países definidos \
         como prioritarios en el Plan Director de Cooperación Internacional."
    );
    assert_eq!(
        zones[1]["strategicLines"][0]["text"],
        "Este plan apuesta por que la Unión Europea y la UpM consoliden su Agenda Urbana y \
         refuercen su dimensión metropolitana."
    );
    assert_eq!(
        zones[2]["strategicLines"][2]["text"],
        "Mesoamérica aparece como zona prioritaria en el Plan Director de Cooperación \
         Internacional del AMB, con un foco puesto en el área metropolitana de San Salvador."
    );
    // "Los intercambios y la transferencia de conoci-" / "miento en el ámbito …"
    assert_eq!(
        zones[3]["strategicLines"][0]["text"],
        "La innovación y el conocimiento deben ser ejes clave en la relación del AMB con las \
         metrópolis de Estados Unidos y Canadá. Los intercambios y la transferencia de \
         conocimiento en el ámbito de las políticas urbanas y metropolitanas tienen mucho \
         recorrido y potencial."
    );
    assert_eq!(
        zones[5]["strategicLines"][1]["text"],
        "El AMB mantiene relaciones de cooperación descentralizada con algunas metrópolis \
         africanas, en especial, de África occidental."
    );

    // The same links seen from a line.
    let data = query(r#"{ strategicLine(code: "LE2") { zones { zone { code } } } }"#).await;
    let le2_zones: Vec<&str> = items(&data["strategicLine"]["zones"])
        .iter()
        .map(|z| text(&z["zone"]["code"]))
        .collect();
    assert_eq!(le2_zones, ["EUROPE"]);
}

#[tokio::test]
async fn partner_metropolises_of_each_zone() {
    let plan = plan(
        "zones { code partners { name relation }
                 priority: partners(relation: PRIORITY) { name } }",
    )
    .await;
    let zones = &plan["zones"];
    let zone = |code: &str| find(zones, "code", code);
    let names = |code: &str, relation: &str| -> Vec<String> {
        items(&zone(code)["partners"])
            .iter()
            .filter(|p| p["relation"] == relation)
            .map(|p| text(&p["name"]).to_owned())
            .collect()
    };

    assert_eq!(
        names("EUROPE", "PRIORITY"),
        [
            "Greater Manchester",
            "Grand Lyon",
            "Città Metropolitana di Milano",
            "Città Metropolitana di Torino",
            "Área metropolitana de Porto",
            "Metropolis GZM-Katowice",
        ]
    );
    assert_eq!(
        names("EUROPE", "TO_INTENSIFY"),
        ["Ámsterdam", "Róterdam", "La Haya", "Gran París"]
    );
    assert_eq!(items(&zone("EUROPE")["partners"]).len(), 10);
    assert_eq!(
        strings(&zone("EUROPE")["priority"], "name"),
        names("EUROPE", "PRIORITY")
    );

    assert_eq!(
        names("MEDITERRANEAN", "PRIORITY"),
        [
            "Túnez",
            "Métropole Aix-Marseille-Provence",
            "Città Metropolitana di Roma",
            "Trípoli (Líbano)",
            "Tánger-Tetuán",
            "Sfax",
        ]
    );
    assert_eq!(
        names("MEDITERRANEAN", "TO_INTENSIFY"),
        ["Nápoles", "Argel", "Tesalónica"]
    );

    assert_eq!(
        names("LATIN_AMERICA", "PRIORITY"),
        [
            "Área metropolitana de San Salvador",
            "Área metropolitana del Valle de Aburrá",
            "Montevideo",
            "Ciudad de México",
            "Área metropolitana de Guadalajara",
            "Bogotá",
            "Santiago de Chile",
        ]
    );
    assert_eq!(items(&zone("LATIN_AMERICA")["partners"]).len(), 7);

    // "El Plan apuesta claramente por consolidar las relaciones de cooperación con Montreal"
    assert_eq!(names("NORTH_AMERICA", "TO_CONSOLIDATE"), ["Montreal"]);
    assert_eq!(items(&zone("NORTH_AMERICA")["partners"]).len(), 1);

    assert_eq!(names("ASIA", "PRIORITY"), ["Seúl", "Guangzhou"]);
    assert_eq!(items(&zone("ASIA")["partners"]).len(), 2);

    assert_eq!(names("AFRICA", "PRIORITY"), ["Gauteng", "Maputo", "Dakar"]);
    assert_eq!(items(&zone("AFRICA")["partners"]).len(), 3);
}

// ------------------------------------------------------------------ governance and monitoring

#[tokio::test]
async fn governance_items_follow_the_governance_section() {
    let plan = plan("governance { code title summary description organizations { code } }").await;
    let governance = &plan["governance"];

    let political = find(governance, "code", "political-lead");
    assert_eq!(
        political["title"],
        "Mando político de la acción internacional"
    );
    assert_eq!(
        political["summary"],
        "Vicepresidencia de Internacional y de Cooperación del AMB (coordinación con el resto de \
         vicepresidencias)"
    );
    assert!(text(&political["description"]).starts_with(
        "El mando político de la acción internacional se sitúa en la Vicepresidencia de \
         Internacional y de Cooperación de la corporación"
    ));
    let orgs = codes(&political["organizations"]);
    assert!(orgs.contains(&"AMB-VP-INT".to_owned()), "{orgs:?}");
    assert!(orgs.contains(&"AMB-VP-DSE".to_owned()), "{orgs:?}");

    let executive = find(governance, "code", "executive-deployment");
    assert_eq!(executive["title"], "Despliegue ejecutivo del Plan");
    assert_eq!(
        executive["summary"],
        "Área de Internacional y de Cooperación (coordinación con el resto de equipos técnicos \
         del AMB)"
    );
    let orgs = codes(&executive["organizations"]);
    for code in ["AMB-AIC", "AMB-SRI", "AMB-SCI", "AMB-SPE"] {
        assert!(orgs.contains(&code.to_owned()), "{code} in {orgs:?}");
    }

    let municipal = find(governance, "code", "municipal-coordination");
    assert_eq!(
        municipal["title"],
        "Coordinación con los 36 ayuntamientos metropolitanos"
    );
    assert_eq!(
        municipal["summary"],
        "reforzar el grupo de trabajo de Relaciones Internacionales"
    );
    assert!(
        text(&municipal["description"])
            .contains("se reforzará el grupo de trabajo de Asuntos Internacionales")
    );

    let synergies = find(governance, "code", "synergies");
    assert_eq!(
        synergies["title"],
        "Sinergias con operadores públicos y privados del territorio"
    );
    assert_eq!(
        synergies["summary"],
        "reuniones de trabajo con instituciones, actores económicos y sociales, universidades y \
         centros de investigación"
    );
}

#[tokio::test]
async fn monitoring_has_an_annual_report_and_two_evaluations() {
    let plan = plan("monitoring { code kind year text }").await;
    let monitoring = &plan["monitoring"];

    assert_eq!(
        strings(monitoring, "kind"),
        [
            "ANNUAL_ACTIVITY_REPORT",
            "MID_TERM_EVALUATION",
            "FINAL_EVALUATION"
        ]
    );
    assert_eq!(monitoring[0]["year"], Value::Null);
    assert_eq!(monitoring[1]["year"], 2023);
    assert_eq!(monitoring[2]["year"], 2025);
    assert_eq!(
        monitoring[0]["text"],
        "El AMB elaborará un informe de actividad anual, que deberá presentar a los órganos de \
         gobierno correspondientes y al grupo de trabajo de ayuntamientos. Además, difundirá el \
         informe por los medios que considere oportunos."
    );
    let evaluations = "La ejecución del Plan deberá ir acompañada, igualmente, de una evaluación \
                       intermedia (2023) y una evaluación final (2025).";
    assert_eq!(monitoring[1]["text"], evaluations);
    assert_eq!(monitoring[2]["text"], evaluations);
}

// ------------------------------------------------------------------ participants and glossary

#[tokio::test]
async fn participants_are_the_103_of_the_list() {
    let plan = plan(
        "participants { code name position organizationName group }
         amb: participants(group: AMB) { name }
         administrations: participants(group: OTHER_PUBLIC_ADMINISTRATIONS) { name }
         institutions: participants(group: PUBLIC_PRIVATE_INSTITUTIONS) { name }",
    )
    .await;
    let participants = items(&plan["participants"]);

    assert_eq!(participants.len(), 103);
    assert_eq!(items(&plan["amb"]).len(), 38);
    assert_eq!(items(&plan["administrations"]).len(), 39);
    assert_eq!(items(&plan["institutions"]).len(), 26);

    let first = &participants[0];
    assert_eq!(first["code"], "P001");
    assert_eq!(first["name"], "Ernest Maragall");
    assert_eq!(first["position"], "Vicepresidente");
    assert_eq!(
        first["organizationName"],
        "Área de Internacional y de Cooperación"
    );
    assert_eq!(first["group"], "AMB");

    let last = &participants[102];
    assert_eq!(last["code"], "P103");
    assert_eq!(last["name"], "Octavi de la Varga");
    assert_eq!(last["position"], "Secretario general");
    assert_eq!(
        last["organizationName"],
        "World Association of the Major Metropolises"
    );
    assert_eq!(last["group"], "PUBLIC_PRIVATE_INSTITUTIONS");

    // First and last of each group, across the page breaks of the table.
    assert_eq!(plan["amb"][37]["name"], "Elisenda Alamaný");
    assert_eq!(plan["administrations"][0]["name"], "Ana Ubeda");
    assert_eq!(plan["administrations"][38]["name"], "Alfonso González");
    assert_eq!(plan["institutions"][0]["name"], "Sònia Corrochano");

    let ubeda = &participants[38];
    assert_eq!(
        ubeda["organizationName"],
        "Ayuntamiento de Esplugues de Llobregat"
    );
    assert_eq!(
        ubeda["position"],
        "Coordinadora de proyectos estratégicos e internacionales"
    );
    // The original's spelling is kept.
    let zona_franca = participants
        .iter()
        .find(|p| p["name"] == "Blanca Sorigué")
        .expect("Blanca Sorigué");
    assert_eq!(
        zona_franca["organizationName"],
        "Consortio de la Zona Franca"
    );
    assert_eq!(zona_franca["position"], "Directora general");
}

#[tokio::test]
async fn glossary_has_29_acronyms_in_document_order() {
    let plan = plan("glossary { acronym meaning original organization { code } }").await;
    let glossary = &plan["glossary"];

    assert_eq!(
        strings(glossary, "acronym"),
        [
            "ACR+",
            "AMB",
            "ARLEM",
            "BEI",
            "CGLU",
            "CIDOB",
            "CMC",
            "CRPM",
            "DAFO",
            "EMA",
            "FEDER",
            "IBEI",
            "ICLEI",
            "IEMED",
            "IERMB",
            "MIPIM",
            "NUA",
            "OCDE",
            "ODS",
            "ONG",
            "ONU-Habitat",
            "PAM",
            "PIB",
            "pymes",
            "TIC",
            "UE",
            "UITP",
            "UpM",
            "VLR",
        ]
    );
    let entry = |acronym: &str| find(glossary, "acronym", acronym);

    assert_eq!(entry("UpM")["meaning"], "Unión por el Mediterráneo");
    assert_eq!(
        entry("ODS")["meaning"],
        "objetivos de desarrollo sostenible"
    );
    assert_eq!(
        entry("ACR+")["meaning"],
        "Asociación de Ciudades y Regiones para una Gestión Sostenible de los Recursos"
    );
    assert_eq!(
        entry("CIDOB")["meaning"],
        "Centro de Información y Documentación Internacional en Barcelona"
    );
    assert_eq!(
        entry("EMA")["meaning"],
        "Autoridades Metropolitanas Europeas"
    );
    assert_eq!(
        entry("EMA")["original"],
        "European Metropolitan Authorities"
    );
    assert_eq!(entry("VLR")["meaning"], "Informe local voluntario");
    assert_eq!(entry("VLR")["original"], "Voluntary Local Review");
    assert_eq!(entry("NUA")["original"], "New Urban Agenda");
    assert_eq!(entry("CMC")["original"], "City Manager Community");
    assert_eq!(
        entry("ICLEI")["original"],
        "International Council for Local Environmental Initiatives"
    );
    assert_eq!(entry("pymes")["meaning"], "pequeñas y medianas empresas");
    assert_eq!(entry("PIB")["original"], Value::Null);

    assert_eq!(entry("EMA")["organization"]["code"], "EMA");
    assert_eq!(entry("CIDOB")["organization"]["code"], "CIDOB");
    assert_eq!(entry("UpM")["organization"]["code"], "UPM");
    assert_eq!(entry("ACR+")["organization"]["code"], "ACR-PLUS");
    assert_eq!(entry("DAFO")["organization"], Value::Null);
    assert_eq!(entry("ODS")["organization"], Value::Null);
}

// ------------------------------------------------------------------ organization registry

#[tokio::test]
async fn municipalities_are_the_36_of_the_reference_list() {
    let data = query(
        "{ municipalities { ineCode controlDigit name comarca organization { code kind } } }",
    )
    .await;
    let municipalities = &data["municipalities"];

    assert_eq!(items(municipalities).len(), 36);
    let codes_ = strings(municipalities, "ineCode");
    let mut unique = codes_.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 36);
    assert!(codes_.iter().all(|c| c.len() == 5 && c.starts_with("08")));

    // (INE code, control digit, name, comarca) from shared/reference/amb-municipalities.tsv
    let rows = [
        ("08101", "7", "L'Hospitalet de Llobregat", "Barcelonès"),
        ("08019", "3", "Barcelona", "Barcelonès"),
        ("08015", "5", "Badalona", "Barcelonès"),
        ("08904", "5", "Badia del Vallès", "Vallès Occidental"),
        ("08126", "5", "Montgat", "Maresme"),
        ("08905", "8", "La Palma de Cervelló", "Baix Llobregat"),
        ("08169", "1", "El Prat de Llobregat", "Baix Llobregat"),
        ("08282", "4", "Tiana", "Maresme"),
        ("08301", "5", "Viladecans", "Baix Llobregat"),
    ];
    for (ine, digit, name, comarca) in rows {
        let m = find(municipalities, "ineCode", ine);
        assert_eq!(m["controlDigit"], digit, "{ine}");
        assert_eq!(m["name"], name, "{ine}");
        assert_eq!(m["comarca"], comarca, "{ine}");
        assert_eq!(m["organization"]["code"], ine, "{ine}");
        assert_eq!(m["organization"]["kind"], "MUNICIPALITY", "{ine}");
    }

    let one = query(r#"{ municipality(ineCode: "08101") { name comarca controlDigit } }"#).await;
    assert_eq!(one["municipality"]["name"], "L'Hospitalet de Llobregat");
    assert_eq!(one["municipality"]["comarca"], "Barcelonès");
    assert_eq!(one["municipality"]["controlDigit"], "7");
}

#[tokio::test]
async fn networks_the_plan_names_are_registered_as_networks() {
    let data = query(
        r#"{ metropolis: organization(code: "METROPOLIS") { kind name aliases }
             ema: organization(code: "EMA") { kind name acronym }
             medcities: organization(code: "MEDCITIES") { kind name }
             eit: organization(code: "EIT-URBAN-MOBILITY") { kind name }
             iclei: organization(code: "ICLEI") { kind acronym }
             uitp: organization(code: "UITP") { kind acronym }
             acr: organization(code: "ACR-PLUS") { kind acronym }
             eurocities: organization(code: "EUROCITIES") { kind name }
             metrex: organization(code: "METREX") { kind name }
             cglu: organization(code: "CGLU") { kind name }
             allas: organization(code: "AL-LAS") { kind name }
             networks: organizations(first: 100, filter: { kind: NETWORK }) { nodes { code } } }"#,
    )
    .await;

    for key in [
        "metropolis",
        "ema",
        "medcities",
        "eit",
        "iclei",
        "uitp",
        "acr",
        "eurocities",
        "metrex",
        "cglu",
        "allas",
    ] {
        assert_eq!(data[key]["kind"], "NETWORK", "{key}");
    }
    assert_eq!(
        data["metropolis"]["name"],
        "World Association of the Major Metropolises"
    );
    assert!(string_list(&data["metropolis"]["aliases"]).contains(&"Metropolis".to_owned()));
    assert_eq!(data["ema"]["name"], "European Metropolitan Authorities");
    assert_eq!(data["ema"]["acronym"], "EMA");
    assert_eq!(data["medcities"]["name"], "MedCities");
    assert_eq!(data["eit"]["name"], "EIT Urban Mobility");
    assert_eq!(data["iclei"]["acronym"], "ICLEI");
    assert_eq!(data["uitp"]["acronym"], "UITP");
    assert_eq!(data["acr"]["acronym"], "ACR+");
    assert_eq!(data["eurocities"]["name"], "Eurocities");
    assert_eq!(data["metrex"]["name"], "Metrex");
    assert_eq!(data["cglu"]["name"], "Ciudades y Gobiernos Locales Unidos");
    assert_eq!(data["allas"]["name"], "Red AL-LAS");

    let networks = codes(&data["networks"]["nodes"]);
    for code in [
        "METROPOLIS",
        "EMA",
        "MEDCITIES",
        "EIT-URBAN-MOBILITY",
        "ICLEI",
        "UITP",
        "ACR-PLUS",
        "EUROCITIES",
        "METREX",
        "CGLU",
        "AL-LAS",
    ] {
        assert!(
            networks.contains(&code.to_owned()),
            "{code} in {networks:?}"
        );
    }
}

#[tokio::test]
async fn international_relations_service_leads_its_actions() {
    let data = query(r#"{ organization(code: "AMB-SRI") { name ledActions { code } } }"#).await;
    let org = &data["organization"];

    assert_eq!(org["name"], "Servicio de Relaciones Internacionales");
    // Every row whose "UNIDAD RESPONSABLE" names the Servicio de Relaciones Internacionales.
    let mut expected: Vec<String> = [
        "LE1.1", "LE1.2", "LE1.3", "LE1.4", "LE1.5", "LE1.6", "LE1.7", "LE1.8", "LE1.10", "LE1.11",
        "LE1.12",
    ]
    .iter()
    .map(|c| (*c).to_owned())
    .collect();
    expected.extend(action_codes(2, 4));
    expected.extend(action_codes(3, 5));
    assert_eq!(codes(&org["ledActions"]), expected);
}

#[tokio::test]
async fn a_municipality_takes_part_in_the_actions_naming_the_city_councils() {
    let data = query(r#"{ municipality(ineCode: "08101") { actions { code } } }"#).await;
    let actions = codes(&data["municipality"]["actions"]);

    // Every row whose actor cells name "ayuntamientos", in document order.
    let expected = [
        "LE1.1", "LE1.2", "LE1.3", "LE1.4", "LE1.5", "LE1.6", "LE1.7", "LE1.8", "LE1.11", "LE1.12",
        "LE2.2", "LE3.1", "LE3.5", "LE3.6", "LE4.1", "LE4.2", "LE4.3", "LE4.4", "LE4.5", "LE5.1",
    ];
    assert_eq!(actions, expected);
    // Rows that name no city council: an empty cell (LE1.10), or other actors only.
    for code in [
        "LE1.9", "LE1.10", "LE1.13", "LE2.1", "LE2.3", "LE2.4", "LE3.2", "LE3.3", "LE3.4",
    ] {
        assert!(!actions.contains(&code.to_owned()), "{code}");
    }
}

// ------------------------------------------------------------------ closing summary table

#[tokio::test]
async fn summary_table_rows_of_each_line() {
    let plan =
        plan("strategicLines { code summary { zonesAndInstitutions actorMap concreteActions } }")
            .await;
    let lines = items(&plan["strategicLines"]);
    let summary = |i: usize| &lines[i]["summary"];

    assert_eq!(
        summary(0)["zonesAndInstitutions"],
        "UE, Región euromediterránea / Naciones Unidas y otros espacios multilaterales"
    );
    assert_eq!(
        summary(0)["actorMap"],
        "Área de Internacional y de Cooperación y servicios técnicos del AMB; Metropolis; \
         ayuntamientos; EMA; CGLU; instituciones europeas, redes y organizaciones \
         internacionales; centros de investigación; Generalitat de Cataluña y Administración del \
         Estado."
    );
    let le1 = string_list(&summary(0)["concreteActions"]);
    assert_eq!(le1.len(), 8);
    assert_eq!(
        le1[0],
        "Seguimiento en clave metropolitana de las políticas en el ámbito europeo, mediterráneo \
         e internacional."
    );
    assert_eq!(le1[7], "Seguimiento del ecosistema de redes.");

    assert_eq!(
        summary(1)["zonesAndInstitutions"],
        "UE, Región euromediterránea y otras regiones del mundo / Instituciones de la Unión \
         Europea / organismos internacionales"
    );
    assert_eq!(string_list(&summary(1)["concreteActions"]).len(), 4);

    let worldwide = "Áreas metropolitanas europeas, asiáticas, mediterráneas, africanas, de \
                     América latina y de los Estados Unidos y Canadá";
    assert_eq!(summary(2)["zonesAndInstitutions"], worldwide);
    assert_eq!(summary(3)["zonesAndInstitutions"], worldwide);
    assert_eq!(
        summary(2)["actorMap"],
        "Servicios técnicos del AMB; ayuntamientos; socios internacionales; CIDOB, IBEI, EMA, \
         AL-LAs, Metropolis, MedCities y EIT Urban Mobility"
    );
    assert_eq!(string_list(&summary(2)["concreteActions"]).len(), 6);
    assert_eq!(
        string_list(&summary(3)["concreteActions"]),
        [
            "Impulso y participación en iniciativas público-privadas.",
            "Potenciación de los clústeres metropolitanos de innovación.",
            "Consolidación del portal de la Agencia de Desarrollo Económico del AMB.",
            "Impulso de los servicios y acciones destinados a la atracción de inversiones, \
             talento, eventos y oportunidades.",
            "Apoyo a la internacionalización de las pymes.",
        ]
    );

    assert_eq!(
        summary(4)["zonesAndInstitutions"],
        "Áreas metropolitanas de Mesoamérica, de la región mediterránea y de África"
    );
    assert_eq!(
        summary(4)["actorMap"],
        "Servicios técnicos del AMB; ayuntamientos; ONG; cooperación catalana, MedCities, \
         Metropolis y Comisión Europea"
    );
    assert_eq!(
        string_list(&summary(4)["concreteActions"]),
        [
            "Ejecución del Plan Director de Cooperación Internacional 2020-2023 y vinculación a \
             otras líneas de la acción internacional del AMB."
        ]
    );
}
