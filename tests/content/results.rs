//! What each line is to achieve: expected results, forms of intervention and the closing
//! summary table.

use super::*;

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
