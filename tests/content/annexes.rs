//! The annexes: the list of participants and the glossary.

use super::*;

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

    for (acronym, field, expected) in [
        ("UpM", "meaning", "Unión por el Mediterráneo"),
        ("ODS", "meaning", "objetivos de desarrollo sostenible"),
        (
            "ACR+",
            "meaning",
            "Asociación de Ciudades y Regiones para una Gestión Sostenible de los Recursos",
        ),
        (
            "CIDOB",
            "meaning",
            "Centro de Información y Documentación Internacional en Barcelona",
        ),
        ("EMA", "meaning", "Autoridades Metropolitanas Europeas"),
        ("EMA", "original", "European Metropolitan Authorities"),
        ("VLR", "meaning", "Informe local voluntario"),
        ("VLR", "original", "Voluntary Local Review"),
        ("NUA", "original", "New Urban Agenda"),
        ("CMC", "original", "City Manager Community"),
        (
            "ICLEI",
            "original",
            "International Council for Local Environmental Initiatives",
        ),
        ("pymes", "meaning", "pequeñas y medianas empresas"),
    ] {
        assert_eq!(entry(acronym)[field], expected, "{acronym} {field}");
    }
    assert_eq!(entry("PIB")["original"], Value::Null);

    assert_eq!(entry("EMA")["organization"]["code"], "EMA");
    assert_eq!(entry("CIDOB")["organization"]["code"], "CIDOB");
    assert_eq!(entry("UpM")["organization"]["code"], "UPM");
    assert_eq!(entry("ACR+")["organization"]["code"], "ACR-PLUS");
    assert_eq!(entry("DAFO")["organization"], Value::Null);
    assert_eq!(entry("ODS")["organization"], Value::Null);
}
