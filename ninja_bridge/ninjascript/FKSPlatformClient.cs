// Shared by FKSSignalIndicator and FKSAutomatedStrategy: NT8 compiles every file under
// Documents\NinjaTrader 8\bin\Custom into one assembly, so both scripts use this one client.
#region Using declarations
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
#endregion

namespace NinjaTrader.NinjaScript.FKS
{
    public sealed class FksSignal
    {
        public string SignalId;
        public string Symbol;
        public bool IsBuy;
        public int Quantity;
        public double LimitPrice; // 0 = market
        public DateTime BarTimeUtc;
    }

    /// <summary>
    /// Talks to the FKS REST API off NT8's instrument thread: a blocking HTTP call inside
    /// OnBarUpdate would freeze the chart, so a timer fetches into a queue the script drains.
    /// </summary>
    public sealed class FksPlatformClient : IDisposable
    {
        // Signals are flat JSON objects, so a field regex is enough and avoids shipping a JSON
        // library into NT8's custom assembly.
        private static readonly Regex ObjectPattern = new Regex(@"\{[^{}]*\}");
        private static readonly Regex FieldPattern = new Regex(
            "\"(?<key>[a-z_]+)\"\\s*:\\s*(?:\"(?<text>[^\"]*)\"|(?<raw>[-0-9.eE]+|null|true|false))");

        private readonly string baseUrl;
        private readonly string apiKey;
        private readonly ConcurrentQueue<FksSignal> received = new ConcurrentQueue<FksSignal>();
        private readonly HashSet<string> seen = new HashSet<string>();
        private Timer timer;

        public FksPlatformClient(string baseUrl, string apiKey)
        {
            this.baseUrl = baseUrl.TrimEnd('/');
            this.apiKey = apiKey;
        }

        public bool LastCallSucceeded { get; private set; }
        public string LastError { get; private set; }

        public void StartPolling(string query, int seconds)
        {
            timer = new Timer(_ => Fetch(query), null, 0, Math.Max(1, seconds) * 1000);
        }

        public bool TryDequeue(out FksSignal signal)
        {
            return received.TryDequeue(out signal);
        }

        public void PostJson(string path, string json)
        {
            // Reports must not block OnExecutionUpdate; the API de-duplicates on the execution id.
            ThreadPool.QueueUserWorkItem(_ =>
            {
                try
                {
                    using (WebClient client = NewClient())
                    {
                        client.Headers[HttpRequestHeader.ContentType] = "application/json";
                        client.UploadString(baseUrl + path, "POST", json);
                    }
                    LastCallSucceeded = true;
                }
                catch (WebException ex)
                {
                    LastCallSucceeded = false;
                    LastError = ex.Message;
                }
            });
        }

        public static string Json(IDictionary<string, object> fields)
        {
            var builder = new StringBuilder("{");
            foreach (KeyValuePair<string, object> field in fields)
            {
                if (builder.Length > 1) builder.Append(',');
                builder.Append('"').Append(field.Key).Append("\":");
                if (field.Value is string)
                    builder.Append('"').Append(((string)field.Value).Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
                else
                    builder.Append(Convert.ToString(field.Value, CultureInfo.InvariantCulture));
            }
            return builder.Append('}').ToString();
        }

        public void Dispose()
        {
            if (timer != null) timer.Dispose();
        }

        private void Fetch(string query)
        {
            try
            {
                string body;
                using (WebClient client = NewClient())
                    body = client.DownloadString(baseUrl + "/signals?" + query);
                foreach (Match obj in ObjectPattern.Matches(body))
                {
                    FksSignal signal = Parse(obj.Value);
                    // Timer callbacks can overlap when the API is slow, hence the lock.
                    lock (seen)
                        if (signal != null && seen.Add(signal.SignalId))
                            received.Enqueue(signal);
                }
                LastCallSucceeded = true;
            }
            catch (WebException ex)
            {
                LastCallSucceeded = false;
                LastError = ex.Message;
            }
        }

        private WebClient NewClient()
        {
            var client = new WebClient();
            client.Headers["x-api-key"] = apiKey;
            return client;
        }

        private static FksSignal Parse(string json)
        {
            var values = new Dictionary<string, string>();
            foreach (Match m in FieldPattern.Matches(json))
                values[m.Groups["key"].Value] = m.Groups["text"].Success ? m.Groups["text"].Value : m.Groups["raw"].Value;
            string id, side, quantity, symbol;
            if (!values.TryGetValue("signal_id", out id) || !values.TryGetValue("side", out side)
                || !values.TryGetValue("quantity", out quantity) || !values.TryGetValue("symbol", out symbol))
                return null;
            string limit, barTime;
            values.TryGetValue("limit_price", out limit);
            values.TryGetValue("bar_time", out barTime);
            return new FksSignal
            {
                SignalId = id,
                Symbol = symbol,
                IsBuy = side == "buy",
                // Quantities and prices travel as decimal strings; NT8's order methods take int/double.
                Quantity = (int)decimal.Parse(quantity, CultureInfo.InvariantCulture),
                LimitPrice = string.IsNullOrEmpty(limit) || limit == "null" ? 0 : double.Parse(limit, CultureInfo.InvariantCulture),
                BarTimeUtc = string.IsNullOrEmpty(barTime) ? DateTime.UtcNow
                    : new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(double.Parse(barTime, CultureInfo.InvariantCulture)),
            };
        }
    }
}
