//! The plan's metadata and its narrative sections: credits, table of contents, presentation,
//! introduction, and texts free of photo captions and markup.

use super::*;

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
