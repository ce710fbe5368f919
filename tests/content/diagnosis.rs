//! The diagnosis: key figures, the SWOT analysis, specific objectives and priority themes.

use super::*;

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
