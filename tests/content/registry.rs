//! The organization registry: municipalities, networks, and who leads or takes part in
//! actions.

use super::*;

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
