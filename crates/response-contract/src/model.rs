//! The typed values of the contract, what a successful check hands back.

use serde::{Deserialize, Serialize};

/// Table 1: the normal response.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrderIdResponse {
    /// The order ID returned after an order is submitted; query the order's progress with it.
    pub order_id: String,
    /// The task ID returned after a task command is issued; query the task's status with it.
    pub job_id: String,
}

/// Table 2: the abnormal response.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// The error returned when a task submission encounters an exception (Table 3).
    pub error: ErrorBody,
}

/// Table 3: the `error` data structure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error message (may be empty).
    pub message: String,
    /// The error code, such as `"BMS.0001"`.
    pub code: String,
}

/// Either response of the contract.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Response {
    /// Table 1.
    Normal(OrderIdResponse),
    /// Tables 2 and 3.
    Abnormal(ErrorResponse),
}

impl Response {
    /// Which variant this is.
    pub fn variant(&self) -> crate::Variant {
        match self {
            Response::Normal(_) => crate::Variant::Normal,
            Response::Abnormal(_) => crate::Variant::Abnormal,
        }
    }
}
