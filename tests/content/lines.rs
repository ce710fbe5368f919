//! The five strategic lines and their 29 actions: titles, scopes, actor cells and actor links.

use super::*;

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

    for (alias, field, expected) in [
        (
            "a",
            "responsibleText",
            "Servicio de Relaciones Internacionales",
        ),
        (
            "a",
            "involvedText",
            "Servicios técnicos del AMB, ayuntamientos y actores territoriales, cuando corresponda",
        ),
        (
            "b",
            "responsibleText",
            "Servicio de Relaciones Internacionales y Servicio de Cooperación Internacional",
        ),
        (
            "b",
            "involvedText",
            "Ayuntamientos metropolitanos, servicios técnicos del AMB, Generalitat de Cataluña, \
             Administración del Estado, instituciones comunitarias, EMA, MedCities, UpM, CIDOB, \
             IEMed, ARLEM, CRPM, etc.",
        ),
        (
            "c",
            "responsibleText",
            "Servicio de Relaciones Internacionales",
        ),
        // The table leaves the involved cell of this row empty.
        ("c", "involvedText", ""),
        (
            "d",
            "responsibleText",
            "Servicio de Relaciones Internacionales y red AL-LAS",
        ),
        ("d", "involvedText", "CIDOB, IBEI, Metropolis"),
        (
            "e",
            "responsibleText",
            "Agencia de Desarrollo Económico y ayuntamientos promotores",
        ),
        (
            "f",
            "responsibleText",
            "Servicio de Cooperación Internacional",
        ),
        (
            "f",
            "involvedText",
            "Servicios técnicos del AMB, ayuntamientos metropolitanos, ONG, cooperación catalana, \
             MedCities, Metropolis, Comisión Europea",
        ),
    ] {
        assert_eq!(data[alias][field], expected, "{alias} {field}");
    }
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
