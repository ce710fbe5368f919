//! Geographic zones, the lines that apply in each, and the partner metropolises.

use super::*;

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
