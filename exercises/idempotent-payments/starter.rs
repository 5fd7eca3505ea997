//! An idempotent payment processor. The task is in the pane beside the editor.

use std::collections::HashMap;

/// What the client sends. `key` is chosen by the client, once per payment intent, and
/// sent again unchanged with every retry of that intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    pub key: String,
    pub account: String,
    pub amount_cents: u64,
}

/// Proof of a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The id the payment gateway gave the charge.
    pub charge_id: u64,
    pub account: String,
    pub amount_cents: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentError {
    /// The key is empty or only whitespace.
    MissingKey,
    /// The key was already used for a different account or amount.
    KeyReused { key: String },
    /// The gateway said no; a final answer, replayed for retries.
    Declined { reason: String },
    /// The gateway could not be reached; nothing was charged, retrying is safe.
    Unavailable,
}

/// What the gateway answers when a charge does not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeError {
    Declined(String),
    Unavailable,
}

/// The card network. Every successful `charge` moves real money.
pub trait Gateway {
    fn charge(&mut self, account: &str, amount_cents: u64) -> Result<u64, ChargeError>;
}

/// A gateway for tests: answers from a script, then succeeds; keeps a log of charges.
#[derive(Debug, Default)]
pub struct FakeGateway {
    /// Answers to give first, in order (front first).
    pub script: Vec<Result<u64, ChargeError>>,
    /// Every call made: (account, amount).
    pub calls: Vec<(String, u64)>,
    next_id: u64,
}

impl Gateway for FakeGateway {
    fn charge(&mut self, account: &str, amount_cents: u64) -> Result<u64, ChargeError> {
        self.calls.push((account.to_owned(), amount_cents));
        if !self.script.is_empty() {
            return self.script.remove(0);
        }
        self.next_id += 1;
        Ok(1000 + self.next_id)
    }
}

pub struct PaymentProcessor<G: Gateway> {
    gateway: G,
    // Add what you need to remember outcomes by key.
}

impl<G: Gateway> PaymentProcessor<G> {
    pub fn new(gateway: G) -> Self {
        todo!("nothing remembered yet")
    }

    /// The gateway, so tests can see which charges were made.
    pub fn gateway(&self) -> &G {
        &self.gateway
    }

    /// Charges at most once per key; see the rules at the top of the file.
    pub fn pay(&mut self, request: &PaymentRequest) -> Result<Receipt, PaymentError> {
        todo!("look the key up first; charge only for a new key")
    }
}

#[cfg(test)]
mod examples {
    use super::*;

    fn request(key: &str, amount_cents: u64) -> PaymentRequest {
        PaymentRequest {
            key: key.to_owned(),
            account: "acct-1".to_owned(),
            amount_cents,
        }
    }

    #[test]
    fn a_new_key_charges_once() {
        let mut p = PaymentProcessor::new(FakeGateway::default());
        let receipt = p.pay(&request("k1", 500)).unwrap();
        assert_eq!(receipt.amount_cents, 500);
        assert_eq!(p.gateway().calls.len(), 1);
    }

    #[test]
    fn a_retry_with_the_same_key_is_not_charged_again() {
        let mut p = PaymentProcessor::new(FakeGateway::default());
        let first = p.pay(&request("k1", 500));
        let again = p.pay(&request("k1", 500));
        assert_eq!(first, again);
        assert_eq!(p.gateway().calls.len(), 1);
    }
}

