//! A minimal client for AWS JSON-protocol APIs (DynamoDB, Secrets Manager), signed with SigV4.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::sigv4::{amz_dates, authorization, Credentials, Request};

/// A failed AWS call, named by the service's error type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// The error type after `#`, e.g. `ConditionalCheckFailedException`; `Transport` when the
    /// service could not be reached.
    pub kind: String,
    /// The service's message.
    pub message: String,
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for AwsError {}

impl AwsError {
    fn new(kind: &str, message: impl Into<String>) -> Self {
        Self { kind: kind.to_owned(), message: message.into() }
    }
}

/// Region, credentials and endpoint from the environment Lambda provides; `AWS_ENDPOINT_URL`
/// (the local emulator) replaces every service's endpoint, as in the AWS SDKs.
#[derive(Debug, Clone)]
pub struct AwsJsonClient {
    agent: ureq::Agent,
    region: String,
    credentials: Credentials,
    endpoint_url: Option<String>,
}

impl AwsJsonClient {
    /// A client for `region` with `credentials`, at `endpoint_url` if given.
    #[must_use]
    pub fn new(region: impl Into<String>, credentials: Credentials, endpoint_url: Option<String>) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(10)))
            .build()
            .into();
        let endpoint_url = endpoint_url.map(|u| u.trim_end_matches('/').to_owned());
        Self { agent, region: region.into(), credentials, endpoint_url }
    }

    /// A client from `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_SESSION_TOKEN` and `AWS_ENDPOINT_URL`.
    ///
    /// # Errors
    /// `MissingConfiguration` naming the first variable that is not set.
    pub fn from_env() -> Result<Self, AwsError> {
        let var = |name: &str| {
            std::env::var(name)
                .map_err(|_| AwsError::new("MissingConfiguration", format!("{name} is not set")))
        };
        let credentials = Credentials {
            access_key_id: var("AWS_ACCESS_KEY_ID")?,
            secret_access_key: var("AWS_SECRET_ACCESS_KEY")?,
            session_token: std::env::var("AWS_SESSION_TOKEN").ok().filter(|t| !t.is_empty()),
        };
        let region = var("AWS_REGION").or_else(|_| var("AWS_DEFAULT_REGION"))?;
        Ok(Self::new(region, credentials, std::env::var("AWS_ENDPOINT_URL").ok().filter(|u| !u.is_empty())))
    }

    /// Calls `target` (e.g. `DynamoDB_20120810.PutItem`) of `service` (its signing name) with a
    /// JSON body; `json_version` is the protocol's `1.0` or `1.1`.
    ///
    /// # Errors
    /// [`AwsError`] with the service's error type, or `Transport`.
    pub fn call(
        &self,
        service: &str,
        json_version: &str,
        target: &str,
        body: &Value,
    ) -> Result<Value, AwsError> {
        let base = self
            .endpoint_url
            .clone()
            .unwrap_or_else(|| format!("https://{service}.{}.amazonaws.com", self.region));
        let host =
            base.split_once("://").map_or(base.as_str(), |(_, rest)| rest).split('/').next().unwrap_or("");
        let payload = body.to_string();
        let content_type = format!("application/x-amz-json-{json_version}");
        let mut signed: Vec<(&str, &str)> = vec![("content-type", &content_type), ("x-amz-target", target)];
        if let Some(token) = &self.credentials.session_token {
            signed.push(("x-amz-security-token", token));
        }
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let (_, datetime) = amz_dates(now);
        let request = Request {
            method: "POST",
            host,
            path: "/",
            query: "",
            headers: &signed,
            body: payload.as_bytes(),
        };
        let auth = authorization(&request, &self.credentials, &self.region, service, &datetime);
        let mut call = self
            .agent
            .post(format!("{base}/"))
            .header("x-amz-date", &datetime)
            .header("authorization", &auth);
        for (name, value) in &signed {
            call = call.header(*name, *value);
        }
        let mut response =
            call.send(payload.as_str()).map_err(|e| AwsError::new("Transport", e.to_string()))?;
        let status = response.status().as_u16();
        let text =
            response.body_mut().read_to_string().map_err(|e| AwsError::new("Transport", e.to_string()))?;
        let value: Value = if text.trim().is_empty() {
            Value::Object(serde_json::Map::new())
        } else {
            serde_json::from_str(&text).map_err(|e| AwsError::new("MalformedResponse", e.to_string()))?
        };
        if status < 400 {
            return Ok(value);
        }
        let kind = value.get("__type").and_then(Value::as_str).unwrap_or("HttpError");
        let kind = kind.rsplit('#').next().unwrap_or(kind);
        let message =
            value.get("message").or_else(|| value.get("Message")).and_then(Value::as_str).unwrap_or("");
        Err(AwsError::new(kind, format!("HTTP {status}: {message}")))
    }
}
