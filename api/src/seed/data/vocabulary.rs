//! The closed sets of values the data files use. The JSON Schemas of `data/schemas/` list the
//! same values (a test compares them, and compares each with its GraphQL enum).

/// A closed set of values.
#[derive(Debug)]
pub struct Vocabulary {
    /// What the values are, as a problem names them (`swot kind`).
    pub name: &'static str,
    /// The name of its definition in the JSON Schemas (`SwotKind`).
    pub schema: &'static str,
    /// The GraphQL enum serving the same values, when there is one.
    pub graphql: Option<&'static str>,
    /// The values.
    pub values: &'static [&'static str],
}

impl Vocabulary {
    /// Whether `value` is one of the values.
    pub fn allows(&self, value: &str) -> bool {
        self.values.contains(&value)
    }

    /// The problem with `value`, when it is not one of the values.
    pub fn problem(&self, value: &str) -> Option<String> {
        (!self.allows(value)).then(|| {
            format!(
                "unknown {} {value:?} (one of {})",
                self.name,
                self.values.join(", ")
            )
        })
    }
}

/// The languages of every text, and of a publication.
pub const LANGUAGES: Vocabulary = Vocabulary {
    name: "language",
    schema: "Language",
    graphql: None,
    values: &["es", "ca", "en", "fr"],
};

/// The kinds an organization of the registry can have.
pub const ORGANIZATION_KINDS: Vocabulary = Vocabulary {
    name: "organization kind",
    schema: "OrganizationKind",
    graphql: Some("OrganizationKind"),
    values: &[
        "AMB_BODY",
        "AMB_AREA",
        "AMB_SERVICE",
        "MUNICIPALITY",
        "NETWORK",
        "EU_BODY",
        "UN_BODY",
        "MULTILATERAL",
        "RESEARCH",
        "GOVERNMENT",
        "ECONOMIC",
        "CIVIL_SOCIETY",
        "GROUP",
    ],
};

/// The kinds of a SWOT item.
pub const SWOT_KINDS: Vocabulary = Vocabulary {
    name: "swot kind",
    schema: "SwotKind",
    graphql: Some("SwotKind"),
    values: &["STRENGTH", "WEAKNESS", "OPPORTUNITY", "THREAT"],
};

/// The categories of a priority theme.
pub const THEME_CATEGORIES: Vocabulary = Vocabulary {
    name: "theme category",
    schema: "ThemeCategory",
    graphql: Some("ThemeCategory"),
    values: &["OWN_COMPETENCE", "GROWING", "OTHER"],
};

/// The relations sought with a partner metropolis.
pub const PARTNER_RELATIONS: Vocabulary = Vocabulary {
    name: "partner relation",
    schema: "PartnerRelation",
    graphql: Some("PartnerRelation"),
    values: &["PRIORITY", "TO_INTENSIFY", "TO_CONSOLIDATE"],
};

/// The groups of participants.
pub const PARTICIPANT_GROUPS: Vocabulary = Vocabulary {
    name: "participant group",
    schema: "ParticipantGroup",
    graphql: Some("ParticipantGroup"),
    values: &[
        "AMB",
        "OTHER_PUBLIC_ADMINISTRATIONS",
        "PUBLIC_PRIVATE_INSTITUTIONS",
    ],
};

/// The kinds of a monitoring commitment.
pub const MONITORING_KINDS: Vocabulary = Vocabulary {
    name: "monitoring kind",
    schema: "MonitoringKind",
    graphql: Some("MonitoringKind"),
    values: &[
        "ANNUAL_ACTIVITY_REPORT",
        "MID_TERM_EVALUATION",
        "FINAL_EVALUATION",
    ],
};

/// How a key figure's value relates to the quantity the plan states.
pub const COMPARATORS: Vocabulary = Vocabulary {
    name: "key figure comparator",
    schema: "Comparator",
    graphql: Some("Comparator"),
    values: &["EXACT", "MORE_THAN", "ABOUT"],
};

/// The units of a key figure.
pub const FIGURE_UNITS: Vocabulary = Vocabulary {
    name: "key figure unit",
    schema: "FigureUnit",
    graphql: Some("FigureUnit"),
    values: &[
        "MUNICIPALITY",
        "PERSON",
        "EUR",
        "PERCENT",
        "PERCENTAGE_POINT",
        "PROJECT",
        "INTERVIEW",
        "INSTITUTION",
        "METROPOLIS",
        "YEAR",
        "FRACTION",
    ],
};

/// The kinds of item a rename or a continuation may name.
pub const ITEM_KINDS: Vocabulary = Vocabulary {
    name: "item kind",
    schema: "ItemKind",
    graphql: None,
    values: &["line", "action", "expected_result"],
};

/// Every vocabulary.
pub const VOCABULARIES: &[&Vocabulary] = &[
    &LANGUAGES,
    &ORGANIZATION_KINDS,
    &SWOT_KINDS,
    &THEME_CATEGORIES,
    &PARTNER_RELATIONS,
    &PARTICIPANT_GROUPS,
    &MONITORING_KINDS,
    &COMPARATORS,
    &FIGURE_UNITS,
    &ITEM_KINDS,
];

/// The shapes a record's code takes (codes are stable: integrators store them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Capital letters and digits, in parts joined by single `.`, `-` or `_`: `LE1.3`,
    /// `AMB-SRI`, `LATIN_AMERICA`, `08101`.
    Code,
    /// Small letters and digits, in parts joined by single `-`: `strategic-lines`.
    Slug,
    /// Derived from a text (an acronym, a name): any.
    Any,
}

impl Shape {
    /// The regular expression the JSON Schemas give for this shape.
    pub fn pattern(self) -> Option<&'static str> {
        match self {
            Shape::Code => Some("^[A-Z0-9]+([._-][A-Z0-9]+)*$"),
            Shape::Slug => Some("^[a-z0-9]+(-[a-z0-9]+)*$"),
            Shape::Any => None,
        }
    }

    /// Whether `code` has this shape (what [`Shape::pattern`] matches).
    pub fn fits(self, code: &str) -> bool {
        let (part, separators): (fn(char) -> bool, &[char]) = match self {
            Shape::Code => (
                |c| c.is_ascii_uppercase() || c.is_ascii_digit(),
                &['.', '-', '_'],
            ),
            Shape::Slug => (|c| c.is_ascii_lowercase() || c.is_ascii_digit(), &['-']),
            Shape::Any => return true,
        };
        code.split(separators)
            .all(|p| !p.is_empty() && p.chars().all(part))
    }

    /// What the shape is, for a problem.
    pub fn describe(self) -> &'static str {
        match self {
            Shape::Code => "capital letters and digits, in parts joined by one `.`, `-` or `_`",
            Shape::Slug => "small letters and digits, in parts joined by one `-`",
            Shape::Any => "any",
        }
    }
}
