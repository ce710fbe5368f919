//! The closed sets of values of monitoring: record kinds, review states and the vocabularies
//! of each kind's fields. Each set is declared once, here, with the string it is stored as;
//! that one string is its database value (a `TEXT` column or a JSON payload field), its serde
//! name and its GraphQL enum value, so the three cannot drift apart (the tests below check
//! every value of every set in all three directions).
//!
//! Deriving `async_graphql::Enum` here, in the domain, is deliberate: the public enums *are*
//! these sets, and a second copy in the GraphQL layer is exactly the duplication this module
//! removes. Nothing else of async-graphql is used by the domain.

use std::fmt;
use std::str::FromStr;

use async_graphql::Enum;
use serde::{Deserialize, Serialize};

/// A stored string outside its closed set: a row written by something other than this code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a {set}")]
pub struct UnknownValue {
    /// The set's name (`ReviewState`).
    pub set: &'static str,
    /// The string found.
    pub value: String,
}

impl From<UnknownValue> for crate::error::ApiError {
    /// A stored value outside its set is the server's fault: logged, and `INTERNAL`.
    fn from(err: UnknownValue) -> Self {
        tracing::error!(set = err.set, value = %err.value, "stored value outside its set");
        crate::error::ApiError::Internal
    }
}

/// Declares a closed set: the enum, with each value's stored string given once, and what the
/// database (`as_str`, `FromStr`), serde and GraphQL need.
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$item_meta:meta])* $item:ident = $stored:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Enum, Serialize, Deserialize, Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                $(#[$item_meta])*
                #[graphql(name = $stored)]
                #[serde(rename = $stored)]
                $item,
            )+
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: &'static [Self] = &[$(Self::$item),+];

            /// Every value as stored, in the order declared.
            pub const NAMES: &'static [&'static str] = &[$($stored),+];

            /// The value as stored and on the wire (`"IN_PROGRESS"`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$item => $stored,)+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            fn from_str(stored: &str) -> Result<Self, UnknownValue> {
                match stored {
                    $($stored => Ok(Self::$item),)+
                    _ => Err(UnknownValue {
                        set: stringify!($name),
                        value: stored.to_owned(),
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

closed_set! {
    /// Kind of monitoring record: the `record_type` column. Not a GraphQL enum of the
    /// contract: clients see the kind as the record's GraphQL type ([`RecordKind::type_name`]).
    pub enum RecordKind {
        /// A progress update of an action for a reporting year.
        ProgressUpdate = "PROGRESS_UPDATE",
        /// An activity (forum, meeting, visit, …).
        Activity = "ACTIVITY",
        /// A project funded by the EU or others.
        FundedProject = "FUNDED_PROJECT",
        /// An indicator tied to an expected result or an action.
        Indicator = "INDICATOR",
        /// A yearly measurement of an indicator.
        Measurement = "MEASUREMENT",
        /// A mid-term or final evaluation.
        Evaluation = "EVALUATION",
    }
}

impl RecordKind {
    /// The GraphQL type (and global ID prefix) of records of this kind: the one place the kind
    /// ↔ type-name mapping is written.
    pub const fn type_name(self) -> &'static str {
        match self {
            Self::ProgressUpdate => "ProgressUpdate",
            Self::Activity => "Activity",
            Self::FundedProject => "FundedProject",
            Self::Indicator => "Indicator",
            Self::Measurement => "Measurement",
            Self::Evaluation => "Evaluation",
        }
    }

    /// The kind whose GraphQL type is `type_name`, if any.
    pub fn from_type_name(type_name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.type_name() == type_name)
    }

    /// The kind of a stored `record_type`, if it is one.
    pub fn of_stored(record_type: &str) -> Option<Self> {
        record_type.parse().ok()
    }

    /// The values a `KIND` link of this kind's records takes (what `filter.kind` accepts): an
    /// activity's kind, a project's programme, an evaluation's kind; none for other kinds.
    pub fn link_kinds(self) -> Vec<&'static str> {
        fn all<T: Copy>(values: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
            values.iter().map(|v| as_str(*v)).collect()
        }
        match self {
            Self::Activity => all(ActivityKind::ALL, ActivityKind::as_str),
            Self::FundedProject => all(FundingProgramme::ALL, FundingProgramme::as_str),
            Self::Evaluation => all(EvaluationKind::ALL, EvaluationKind::as_str),
            Self::ProgressUpdate | Self::Indicator | Self::Measurement => Vec::new(),
        }
    }
}

closed_set! {
    /// Where a record is in its review.
    pub enum ReviewState {
        /// Being written by its reporter; visible to the reporter, readers and coordinators.
        Draft = "DRAFT",
        /// Sent for review.
        Submitted = "SUBMITTED",
        /// Reviewed and public.
        Published = "PUBLISHED",
        /// Sent back to the reporter with a comment.
        Returned = "RETURNED",
        /// Withdrawn; kept, never deleted.
        Archived = "ARCHIVED",
    }
}

closed_set! {
    /// The status of an action, as a progress update reports it.
    pub enum ProgressStatus {
        /// Not started (0 %).
        NotStarted = "NOT_STARTED",
        /// Under way.
        InProgress = "IN_PROGRESS",
        /// Behind schedule.
        Delayed = "DELAYED",
        /// Done (100 %).
        Completed = "COMPLETED",
        /// Stopped before completion.
        Discontinued = "DISCONTINUED",
    }
}

closed_set! {
    /// Kind of activity.
    pub enum ActivityKind {
        /// A forum (e.g. the EMA forum, the Mediterranean Metropolitan Forum).
        Forum = "FORUM",
        /// A meeting of a network (Metropolis, EMA, MedCities, …).
        NetworkMeeting = "NETWORK_MEETING",
        /// A joint political position.
        JointPosition = "JOINT_POSITION",
        /// A study or a seminar.
        StudySeminar = "STUDY_SEMINAR",
        /// An international delegation received.
        DelegationReceived = "DELEGATION_RECEIVED",
        /// A study visit abroad.
        StudyVisit = "STUDY_VISIT",
        /// An event.
        Event = "EVENT",
        /// A transfer of knowledge or innovation.
        KnowledgeTransfer = "KNOWLEDGE_TRANSFER",
    }
}

closed_set! {
    /// Funding programme of a project.
    pub enum FundingProgramme {
        /// European Regional Development Fund (FEDER / ERDF).
        Feder = "FEDER",
        /// Horizon Europe.
        HorizonEurope = "HORIZON_EUROPE",
        /// LIFE.
        Life = "LIFE",
        /// Interreg.
        Interreg = "INTERREG",
        /// URBACT.
        Urbact = "URBACT",
        /// NextGenerationEU.
        NextGenerationEu = "NEXT_GENERATION_EU",
        /// A European Investment Bank loan.
        EibLoan = "EIB_LOAN",
        /// Another programme.
        Other = "OTHER",
    }
}

closed_set! {
    /// The AMB's role in a funded project.
    pub enum ProjectRole {
        /// Lead partner.
        Lead = "LEAD",
        /// Partner.
        Partner = "PARTNER",
    }
}

closed_set! {
    /// Status of a funded project.
    pub enum ProjectStatus {
        /// Applied for.
        Applied = "APPLIED",
        /// Funding awarded.
        Awarded = "AWARDED",
        /// Application rejected.
        Rejected = "REJECTED",
        /// Being carried out.
        InExecution = "IN_EXECUTION",
        /// Finished.
        Closed = "CLOSED",
    }
}

closed_set! {
    /// Which way is better for an indicator.
    pub enum IndicatorDirection {
        /// Higher is better.
        Increase = "INCREASE",
        /// Lower is better.
        Decrease = "DECREASE",
    }
}

closed_set! {
    /// Where an indicator stands (see `Indicator.statusMethod`).
    pub enum IndicatorStatus {
        /// The target is reached.
        Achieved = "ACHIEVED",
        /// At or ahead of a straight line from baseline to target.
        OnTrack = "ON_TRACK",
        /// Behind that line.
        OffTrack = "OFF_TRACK",
        /// Worse than the baseline.
        Deterioration = "DETERIORATION",
        /// No published measurement.
        NoData = "NO_DATA",
    }
}

closed_set! {
    /// Kind of evaluation (section XII of the plan).
    pub enum EvaluationKind {
        /// The mid-term evaluation (2023).
        MidTerm = "MID_TERM",
        /// The final evaluation (2025).
        Final = "FINAL",
    }
}

closed_set! {
    /// Status of an evaluation.
    pub enum EvaluationStatus {
        /// Planned.
        Planned = "PLANNED",
        /// Under way.
        InProgress = "IN_PROGRESS",
        /// Done.
        Completed = "COMPLETED",
    }
}

/// Exact decimals in payloads, stored as JSON strings (`"1250000.5"`) exactly as before they
/// were typed, so that stored records, request hashes and frozen reports keep their bytes:
/// `#[serde(with = "decimal_string")]`.
pub mod decimal_string {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    /// Writes the normalized decimal as a string.
    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&value.normalize().to_string())
    }

    /// Reads a decimal from its string.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.trim()
            .parse()
            .map_err(|_| D::Error::custom(format!("{text:?} is not a decimal number")))
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{InputType, Name, Value};

    use super::*;

    /// Every value of `T`: stored string → enum → stored string, → serde JSON string → enum,
    /// → GraphQL enum value → enum; and the GraphQL enum lists exactly these values.
    fn round_trips<T>()
    where
        T: Copy + PartialEq + fmt::Debug + FromStr<Err = UnknownValue> + InputType,
        T: Serialize + for<'de> Deserialize<'de>,
        T: EnumValues,
    {
        for &value in T::values() {
            let stored = T::stored(value);
            assert_eq!(stored.parse::<T>(), Ok(value), "{stored}");
            let json = serde_json::to_value(value).expect("serializes");
            assert_eq!(json, serde_json::Value::String(stored.to_owned()));
            assert_eq!(serde_json::from_value::<T>(json).ok(), Some(value));
            let graphql = value.to_value();
            assert_eq!(graphql, Value::Enum(Name::new(stored)));
            assert_eq!(T::parse(Some(graphql)).ok(), Some(value), "{stored}");
        }
        assert_eq!(
            "NOT_A_VALUE".parse::<T>().map_err(|e| e.value),
            Err("NOT_A_VALUE".to_owned())
        );
        let registry = {
            let mut registry = async_graphql::registry::Registry::default();
            T::create_type_info(&mut registry);
            registry
        };
        let Some(async_graphql::registry::MetaType::Enum { enum_values, .. }) =
            registry.types.get(&*T::type_name())
        else {
            panic!("{} is not an enum", T::type_name());
        };
        let mut listed: Vec<&str> = enum_values.keys().map(String::as_str).collect();
        let mut ours: Vec<&str> = T::values().iter().map(|v| T::stored(*v)).collect();
        listed.sort_unstable();
        ours.sort_unstable();
        assert_eq!(listed, ours);
    }

    trait EnumValues: Sized + 'static {
        fn values() -> &'static [Self];
        fn stored(self) -> &'static str;
    }

    macro_rules! enum_values {
        ($($t:ty),+) => {$(
            impl EnumValues for $t {
                fn values() -> &'static [Self] { <$t>::ALL }
                fn stored(self) -> &'static str { self.as_str() }
            }
        )+};
    }
    enum_values!(
        RecordKind,
        ReviewState,
        ProgressStatus,
        ActivityKind,
        FundingProgramme,
        ProjectRole,
        ProjectStatus,
        IndicatorDirection,
        IndicatorStatus,
        EvaluationKind,
        EvaluationStatus
    );

    #[test]
    fn every_closed_set_round_trips_through_database_serde_and_graphql() {
        round_trips::<RecordKind>();
        round_trips::<ReviewState>();
        round_trips::<ProgressStatus>();
        round_trips::<ActivityKind>();
        round_trips::<FundingProgramme>();
        round_trips::<ProjectRole>();
        round_trips::<ProjectStatus>();
        round_trips::<IndicatorDirection>();
        round_trips::<IndicatorStatus>();
        round_trips::<EvaluationKind>();
        round_trips::<EvaluationStatus>();
    }

    #[test]
    fn stored_strings_are_the_ones_existing_rows_hold() {
        // A sample of the strings already in databases: they must not change (no migration).
        assert_eq!(
            FundingProgramme::NextGenerationEu.as_str(),
            "NEXT_GENERATION_EU"
        );
        assert_eq!(
            ActivityKind::DelegationReceived.as_str(),
            "DELEGATION_RECEIVED"
        );
        assert_eq!(ReviewState::Returned.as_str(), "RETURNED");
        assert_eq!(RecordKind::FundedProject.as_str(), "FUNDED_PROJECT");
        assert_eq!(IndicatorStatus::NoData.as_str(), "NO_DATA");
    }

    #[test]
    fn kinds_and_type_names_map_both_ways() {
        for &kind in RecordKind::ALL {
            assert_eq!(RecordKind::from_type_name(kind.type_name()), Some(kind));
            assert_eq!(RecordKind::of_stored(kind.as_str()), Some(kind));
        }
        assert_eq!(RecordKind::from_type_name("Action"), None);
        assert_eq!(
            RecordKind::Evaluation.link_kinds(),
            vec!["MID_TERM", "FINAL"]
        );
    }

    #[test]
    fn decimals_keep_their_stored_form() {
        #[derive(Serialize, Deserialize)]
        struct Amount(#[serde(with = "decimal_string")] rust_decimal::Decimal);
        let amount: Amount = serde_json::from_value(serde_json::json!("1250000.50")).unwrap();
        assert_eq!(
            serde_json::to_value(&amount).unwrap(),
            serde_json::json!("1250000.5")
        );
        let refused = serde_json::from_value::<Amount>(serde_json::json!("12,5")).err();
        assert_eq!(
            refused.map(|e| e.to_string()),
            Some("\"12,5\" is not a decimal number".to_owned())
        );
    }
}
