//! The contract's fields and cross-field rules as the Python side hands them over.

use std::collections::{HashMap, HashSet};

/// Fast, non-cryptographic hashing: the keys are the contract's own names and codes.
pub type FastMap<K, V> = HashMap<K, V, ahash::RandomState>;
pub type FastSet<T> = HashSet<T, ahash::RandomState>;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Uuid,
    Str,
    Timestamp,
    Money,
    Double,
    Boolean,
    Integer,
    Ip,
}

impl Kind {
    pub fn parse(name: &str) -> Option<Kind> {
        Some(match name {
            "uuid" => Kind::Uuid,
            "string" => Kind::Str,
            "timestamp" => Kind::Timestamp,
            "money" => Kind::Money,
            "double" => Kind::Double,
            "boolean" => Kind::Boolean,
            "integer" => Kind::Integer,
            "ip" => Kind::Ip,
            _ => return None,
        })
    }
}

pub struct FieldSpec {
    pub name: String,
    pub kind: Kind,
    pub required: bool,
    pub nullable: bool,
    pub str_values: Option<FastSet<String>>,
    pub int_values: Option<Vec<i64>>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
}

/// A value a cross-field rule compares with: the contract's closed sets hold strings and booleans.
#[derive(Clone, PartialEq, Debug)]
pub enum Scalar {
    Str(String),
    Bool(bool),
}

/// `field` must be null whenever `when` is one of `values`.
pub struct NullWhen {
    pub field: usize,
    pub when: usize,
    pub values: Vec<Scalar>,
}

/// `field` must be the label that `labels` gives for the value of `code`.
pub struct LabelledBy {
    pub field: usize,
    pub code: usize,
    pub labels: FastMap<String, String>,
}
