//! What the report page calls the monitoring values it shows, in each of its languages: a
//! status in a French report reads "En cours", not `IN_PROGRESS`. The downloads keep the
//! stored codes (they are data); the page is for people. Where the embeddable widget
//! (`api/assets/embed/plan-widget.js`) names the same value, it uses the same words.

use crate::i18n::Lang;
use crate::monitoring::values::{
    ActivityKind, FundingProgramme, IndicatorStatus, ProgressStatus, ProjectRole, ProjectStatus,
};

/// A value's name in Spanish, Catalan, English and French, in that order.
type Names = [&'static str; 4];

/// A closed set of values the report page shows by name.
pub(super) trait Label: Copy {
    /// The value's names, `[es, ca, en, fr]`.
    fn names(self) -> Names;

    /// The value's name in `lang`.
    fn label(self, lang: Lang) -> &'static str {
        let [es, ca, en, fr] = self.names();
        match lang {
            Lang::Es => es,
            Lang::Ca => ca,
            Lang::En => en,
            Lang::Fr => fr,
        }
    }
}

impl Label for ProgressStatus {
    fn names(self) -> Names {
        match self {
            Self::NotStarted => ["No iniciada", "No iniciada", "Not started", "Non commencée"],
            Self::InProgress => ["En curso", "En curs", "In progress", "En cours"],
            Self::Delayed => ["Retrasada", "Endarrerida", "Delayed", "En retard"],
            Self::Completed => ["Completada", "Completada", "Completed", "Achevée"],
            Self::Discontinued => [
                "Interrumpida",
                "Interrompuda",
                "Discontinued",
                "Interrompue",
            ],
        }
    }
}

impl Label for ActivityKind {
    fn names(self) -> Names {
        match self {
            Self::Forum => ["Foro", "Fòrum", "Forum", "Forum"],
            Self::NetworkMeeting => [
                "Reunión de red",
                "Reunió de xarxa",
                "Network meeting",
                "Réunion de réseau",
            ],
            Self::JointPosition => [
                "Posicionamiento conjunto",
                "Posicionament conjunt",
                "Joint position",
                "Position commune",
            ],
            Self::StudySeminar => [
                "Estudio o seminario",
                "Estudi o seminari",
                "Study or seminar",
                "Étude ou séminaire",
            ],
            Self::DelegationReceived => [
                "Delegación recibida",
                "Delegació rebuda",
                "Delegation received",
                "Délégation reçue",
            ],
            Self::StudyVisit => [
                "Visita de estudio",
                "Visita d’estudi",
                "Study visit",
                "Visite d’étude",
            ],
            Self::Event => ["Evento", "Esdeveniment", "Event", "Événement"],
            Self::KnowledgeTransfer => [
                "Transferencia de conocimiento",
                "Transferència de coneixement",
                "Knowledge transfer",
                "Transfert de connaissances",
            ],
        }
    }
}

impl Label for FundingProgramme {
    fn names(self) -> Names {
        // Programmes are proper names, the same in every language but for the two that are
        // descriptions, and ERDF, which English calls by its own initials.
        match self {
            Self::Feder => ["FEDER", "FEDER", "ERDF", "FEDER"],
            Self::HorizonEurope => ["Horizon Europe"; 4],
            Self::Life => ["LIFE"; 4],
            Self::Interreg => ["Interreg"; 4],
            Self::Urbact => ["URBACT"; 4],
            Self::NextGenerationEu => ["NextGenerationEU"; 4],
            Self::EibLoan => [
                "Préstamo del BEI",
                "Préstec del BEI",
                "EIB loan",
                "Prêt de la BEI",
            ],
            Self::Other => [
                "Otros programas",
                "Altres programes",
                "Other programmes",
                "Autres programmes",
            ],
        }
    }
}

impl Label for ProjectRole {
    fn names(self) -> Names {
        match self {
            Self::Lead => ["Socio líder", "Soci líder", "Lead partner", "Chef de file"],
            Self::Partner => ["Socio", "Soci", "Partner", "Partenaire"],
        }
    }
}

impl Label for ProjectStatus {
    fn names(self) -> Names {
        match self {
            Self::Applied => ["Solicitado", "Sol·licitat", "Applied for", "Demandé"],
            Self::Awarded => ["Concedido", "Concedit", "Awarded", "Accordé"],
            Self::Rejected => ["Denegado", "Denegat", "Rejected", "Refusé"],
            Self::InExecution => [
                "En ejecución",
                "En execució",
                "Being carried out",
                "En cours d’exécution",
            ],
            Self::Closed => ["Finalizado", "Finalitzat", "Closed", "Clôturé"],
        }
    }
}

impl Label for IndicatorStatus {
    fn names(self) -> Names {
        match self {
            Self::Achieved => ["Alcanzado", "Assolit", "Achieved", "Atteint"],
            Self::OnTrack => ["En buen camino", "En bon camí", "On track", "En bonne voie"],
            Self::OffTrack => [
                "Por debajo de lo previsto",
                "Per sota del previst",
                "Off track",
                "En deçà de la trajectoire",
            ],
            Self::Deterioration => [
                "Empeoramiento",
                "Empitjorament",
                "Deterioration",
                "Dégradation",
            ],
            Self::NoData => ["Sin datos", "Sense dades", "No data", "Aucune donnée"],
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Every value of a set has a name in every language, and no two values share one.
    fn named<T: Label + std::fmt::Debug>(all: &[T]) {
        for lang in [Lang::Es, Lang::Ca, Lang::En, Lang::Fr] {
            let names: Vec<&str> = all.iter().map(|v| v.label(lang)).collect();
            assert!(names.iter().all(|n| !n.trim().is_empty()), "{names:?}");
            assert_eq!(
                names.iter().collect::<HashSet<_>>().len(),
                all.len(),
                "{lang:?}: {names:?}"
            );
        }
    }

    #[test]
    fn every_value_the_report_shows_has_a_name_in_every_language() {
        named(ProgressStatus::ALL);
        named(ActivityKind::ALL);
        named(FundingProgramme::ALL);
        named(ProjectRole::ALL);
        named(ProjectStatus::ALL);
        named(IndicatorStatus::ALL);
        assert_eq!(ProgressStatus::InProgress.label(Lang::Fr), "En cours");
        assert_eq!(FundingProgramme::Feder.label(Lang::En), "ERDF");
    }
}
