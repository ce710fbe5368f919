//! The one shape of the plan's content objects: a row and the plan it belongs to.
//!
//! Every GraphQL object of the plan's content (a line, an action, a SWOT item, a zone, …) is a
//! [`Scoped`] row, named by a type alias (`pub type Action = Scoped<action::Model>`), with its
//! fields in an `#[Object] impl Action` block. The row is shared with the content snapshot
//! (`Arc`), and the plan's code, which every global ID and child object needs, is shared by
//! every object of the same answer (`Arc<str>`): making an object copies neither.
//!
//! Objects that belong to no single plan (organizations, municipalities) hold an
//! `Arc<organization::Model>` for the same reason.

use std::sync::Arc;

/// A row of the plan's content and the code of its plan.
pub struct Scoped<M> {
    /// The row (shared with the content snapshot, when it came from there).
    pub(crate) row: Arc<M>,
    /// The code of the plan the row belongs to (`AMB-PI-2021-2025`).
    pub(crate) plan: Arc<str>,
}

impl<M> Scoped<M> {
    /// `row` of the plan with code `plan`.
    pub(crate) fn new(row: Arc<M>, plan: Arc<str>) -> Self {
        Self { row, plan }
    }

    /// Another row of the same plan.
    pub(crate) fn child<N>(&self, row: Arc<N>) -> Scoped<N> {
        Scoped::new(row, self.plan.clone())
    }
}

/// The code of `plan`, to share among the objects of one answer.
pub(crate) fn code_of(plan: &entity::plan::Model) -> Arc<str> {
    Arc::from(plan.code.as_str())
}

impl Scoped<entity::plan::Model> {
    /// The plan object of `row`: a plan is the plan its own objects belong to.
    pub(crate) fn of(row: Arc<entity::plan::Model>) -> Self {
        let code = code_of(&row);
        Self::new(row, code)
    }
}
