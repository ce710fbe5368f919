//! Reads that stay flat as monitoring data grows (#25): the rows a request reads, replayed
//! from the statements it ran ([`rows`]), and the plans PostgreSQL picks for the main
//! monitoring queries ([`explain`]); the nested lists' pages ([`nested`]). All the data here is
//! synthetic.

mod explain;
mod nested;
mod rows;
