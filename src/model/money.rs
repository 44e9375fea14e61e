use crate::error::{Error, ErrorKind};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ISO 4217-style currency code: three ASCII uppercase letters (`"USD"`, `"EUR"`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    /// Parses a code; lowercase input is accepted and uppercased.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidValue`] unless the code is three ASCII letters.
    ///
    /// # Example
    /// ```
    /// use supportkpi::model::Currency;
    /// assert_eq!(Currency::new("eur")?.as_str(), "EUR");
    /// assert!(Currency::new("EURO").is_err());
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn new(code: &str) -> Result<Self, Error> {
        let b = code.trim().as_bytes();
        if b.len() != 3 || !b.iter().all(u8::is_ascii_alphabetic) {
            return Err(Error::new(
                ErrorKind::InvalidValue,
                "a currency is a three-letter ISO 4217 code such as USD",
            )
            .with_field("currency")
            .with_value(code));
        }
        Ok(Currency([
            b[0].to_ascii_uppercase(),
            b[1].to_ascii_uppercase(),
            b[2].to_ascii_uppercase(),
        ]))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Currency::new(s)
    }
}

impl TryFrom<String> for Currency {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        Currency::new(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_owned()
    }
}

/// An exact amount of money in one currency. Arithmetic is [`Decimal`], never floating point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// The amount, exact.
    pub amount: Decimal,
    /// Its currency.
    pub currency: Currency,
}

impl Money {
    /// An amount in a currency.
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Zero in a currency.
    pub fn zero(currency: Currency) -> Self {
        Money::new(Decimal::ZERO, currency)
    }

    /// The sum of two amounts of the same currency.
    ///
    /// # Errors
    /// [`ErrorKind::MixedCurrencies`] when the currencies differ; [`ErrorKind::InvalidValue`] on
    /// overflow (beyond ±7.9 × 10²⁸).
    ///
    /// # Example
    /// ```
    /// use rust_decimal::Decimal;
    /// use supportkpi::model::{Currency, Money};
    /// let usd = Currency::new("USD")?;
    /// let sum = Money::new(Decimal::new(1050, 2), usd).checked_add(Money::new(Decimal::new(25, 1), usd))?;
    /// assert_eq!(sum.amount, Decimal::new(1300, 2));
    /// let eur = Money::new(Decimal::ONE, Currency::new("EUR")?);
    /// assert!(sum.checked_add(eur).is_err());
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn checked_add(self, other: Money) -> Result<Money, Error> {
        self.same_currency(&other)?;
        let amount = self.amount.checked_add(other.amount).ok_or_else(|| {
            Error::new(ErrorKind::InvalidValue, "sum of amounts overflows")
                .with_field("amount")
                .with_value(other.amount)
        })?;
        Ok(Money::new(amount, self.currency))
    }

    /// Checks that `other` is in this amount's currency.
    ///
    /// # Errors
    /// [`ErrorKind::MixedCurrencies`] when it is not.
    pub fn same_currency(&self, other: &Money) -> Result<(), Error> {
        if self.currency != other.currency {
            return Err(Error::new(
                ErrorKind::MixedCurrencies,
                format!(
                    "one computation takes one currency; already have {}",
                    self.currency
                ),
            )
            .with_field("currency")
            .with_value(other.currency));
        }
        Ok(())
    }

    /// The amount rounded for display: half-even ("banker's") to `places` decimal places.
    ///
    /// ```
    /// use rust_decimal::Decimal;
    /// use supportkpi::model::{Currency, Money};
    /// let m = Money::new(Decimal::new(12345, 3), Currency::new("USD")?); // 12.345
    /// assert_eq!(m.rounded(2).to_string(), "12.34");
    /// assert_eq!(Money::new(Decimal::new(50, 0), m.currency).rounded(2).to_string(), "50.00");
    /// # Ok::<(), supportkpi::Error>(())
    /// ```
    pub fn rounded(&self, places: u32) -> Decimal {
        let mut d = self
            .amount
            .round_dp_with_strategy(places, RoundingStrategy::MidpointNearestEven);
        // Keep trailing zeros so 50 displays as "50.00", as money is written.
        d.rescale(places);
        d
    }
}

impl fmt::Display for Money {
    /// Two decimal places, half-even, then the currency: `50.00 USD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2} {}", self.rounded(2), self.currency)
    }
}
