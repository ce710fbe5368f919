//! sea-orm entities of the plan API: one module per table, nothing else.
//!
//! These types mirror the database. They never derive GraphQL traits: the public schema is
//! written by hand in the `api` crate so that the tables can change without breaking clients.

pub mod i18n;

pub mod action;
pub mod action_continuation;
pub mod action_organization;
pub mod annual_report;
pub mod audit_entry;
pub mod event;
pub mod expected_result;
pub mod form_contribution;
pub mod form_of_intervention;
pub mod geographic_zone;
pub mod glossary_entry;
pub mod governance_item;
pub mod key_figure;
pub mod line_continuation;
pub mod line_scope;
pub mod monitoring_commitment;
pub mod monitoring_record;
pub mod organization;
pub mod participant;
pub mod plan;
pub mod plan_organization_name;
pub mod record_link;
pub mod reporting_year;
pub mod result_continuation;
pub mod search_entry;
pub mod section;
pub mod seed_state;
pub mod specific_objective;
pub mod strategic_line;
pub mod summary_row;
pub mod swot_item;
pub mod theme;
pub mod webhook_attempt;
pub mod webhook_delivery;
pub mod webhook_endpoint;
pub mod zone_line;
pub mod zone_partner;

pub use i18n::{Credit, CreditList, I18n, I18nList, StringList};
