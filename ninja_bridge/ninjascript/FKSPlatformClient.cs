// Shared by the FKS NinjaScript sources: NT8 compiles every file under
// Documents\NinjaTrader 8\bin\Custom into one assembly, so the scripts share this one client.
#region Using declarations
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
#endregion

namespace NinjaTrader.NinjaScript.FKS
{
    /// <summary>One signal as GET /signals lists it (the fields validate_signal records).</summary>
    public sealed class FksSignal
    {
        public string SignalId;
        public string Status;
        public string AssetClass;
        public string Symbol;
        public string Account;
        public bool IsBuy;
        public int Quantity;
        public double LimitPrice; // 0 = market
        public DateTime BarTimeUtc;
    }

    /// <summary>What a script asks GET /signals for. Every filter is applied by the platform (an
    /// unknown parameter is a 400 there, never silently ignored); the script checks the same
    /// fields again before acting, so an older platform cannot make it trade someone else's signal.</summary>
    public sealed class FksSignalQuery
    {
        public string AssetClass = "futures";
        public string Symbol;
        public string Account;
        public string Status;
        public long SinceMs;

        public string ToQueryString()
        {
            var parts = new List<string> { "asset_class=" + Uri.EscapeDataString(AssetClass) };
            if (!string.IsNullOrEmpty(Symbol)) parts.Add("symbol=" + Uri.EscapeDataString(Symbol));
            if (!string.IsNullOrEmpty(Account)) parts.Add("account=" + Uri.EscapeDataString(Account));
            if (!string.IsNullOrEmpty(Status)) parts.Add("status=" + Uri.EscapeDataString(Status));
            if (SinceMs > 0) parts.Add("since=" + SinceMs.ToString(CultureInfo.InvariantCulture));
            return string.Join("&", parts);
        }

        public bool Matches(FksSignal signal)
        {
            return signal.AssetClass == AssetClass
                && (string.IsNullOrEmpty(Symbol) || signal.Symbol == Symbol)
                && (string.IsNullOrEmpty(Account) || signal.Account == Account)
                && (string.IsNullOrEmpty(Status) || signal.Status == Status);
        }

        public static long EpochMs(DateTime utc)
        {
            return (long)(utc.ToUniversalTime() - Epoch).TotalMilliseconds;
        }

        public static readonly DateTime Epoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    }

    /// <summary>One POST to the platform: its path, its Idempotency-Key and its JSON body.</summary>
    public sealed class FksReport
    {
        public readonly string Path;
        public readonly string IdempotencyKey;
        public readonly string Json;

        public FksReport(string path, string idempotencyKey, string json)
        {
            Path = path;
            IdempotencyKey = idempotencyKey;
            Json = json;
        }
    }

    /// <summary>
    /// Talks to the FKS REST API off NT8's instrument thread: a blocking HTTP call inside
    /// OnBarUpdate would freeze the chart, so a timer fetches into a queue the script drains and
    /// one sender thread posts the reports in order, retrying what the platform did not answer.
    /// </summary>
    public sealed class FksPlatformClient : IDisposable
    {
        private const int MaxPages = 20;
        private const int Attempts = 5;

        private readonly string baseUrl;
        private readonly string apiKey;
        private readonly ConcurrentQueue<FksSignal> received = new ConcurrentQueue<FksSignal>();
        private readonly HashSet<string> seen = new HashSet<string>();
        private readonly BlockingCollection<FksReport> outbox = new BlockingCollection<FksReport>();
        private readonly Thread sender;
        private Timer timer;
        private int fetching;

        public FksPlatformClient(string baseUrl, string apiKey)
        {
            this.baseUrl = baseUrl.TrimEnd('/');
            this.apiKey = apiKey;
            sender = new Thread(SendLoop) { IsBackground = true, Name = "FKS reports" };
            sender.Start();
        }

        public bool LastCallSucceeded { get; private set; }
        public string LastError { get; private set; }
        public DateTime LastSuccessUtc { get; private set; }
        public int PendingReports { get { return outbox.Count; } }

        public void StartPolling(FksSignalQuery query, int seconds)
        {
            timer = new Timer(_ => Fetch(query), null, 0, Math.Max(1, seconds) * 1000);
        }

        public bool TryDequeue(out FksSignal signal)
        {
            return received.TryDequeue(out signal);
        }

        /// <summary>Queues a report; the sender posts it with its Idempotency-Key, so a resend after
        /// a timeout (or the same execution reported twice) counts once on the platform.</summary>
        public void Send(FksReport report)
        {
            if (report != null && !outbox.IsAddingCompleted)
                outbox.Add(report);
        }

        /// <summary>GET a path; the body even when the platform answers an error status (GET /health
        /// answers 503 with the parts that are down). Null when nothing answered.</summary>
        public string Get(string pathAndQuery)
        {
            try
            {
                using (WebClient client = NewClient())
                {
                    string body = client.DownloadString(baseUrl + pathAndQuery);
                    Succeeded();
                    return body;
                }
            }
            catch (WebException ex)
            {
                Failed(ex);
                if (ex.Response == null)
                    return null;
                using (var reader = new StreamReader(ex.Response.GetResponseStream(), Encoding.UTF8))
                    return reader.ReadToEnd();
            }
        }

        /// <summary>The signals of one GET /signals page and its next_token (null on the last page).</summary>
        public static List<FksSignal> ParseSignals(string body, out string nextToken)
        {
            var root = FksJson.Parse(body) as Dictionary<string, object>;
            if (root == null)
                throw new FormatException("GET /signals did not answer an object");
            nextToken = FksJson.Text(root, "next_token");
            var signals = new List<FksSignal>();
            object listed;
            if (!root.TryGetValue("signals", out listed) || !(listed is List<object>))
                return signals;
            foreach (object item in (List<object>)listed)
            {
                FksSignal signal = ParseSignal(item as Dictionary<string, object>);
                if (signal != null)
                    signals.Add(signal);
            }
            return signals;
        }

        public void Dispose()
        {
            if (timer != null) timer.Dispose();
            outbox.CompleteAdding();
            // Reports already queued get a moment to go out; the platform dedupes any resend.
            sender.Join(TimeSpan.FromSeconds(5));
        }

        private void Fetch(FksSignalQuery query)
        {
            // Timer callbacks overlap when the API is slow: one fetch at a time.
            if (Interlocked.Exchange(ref fetching, 1) == 1)
                return;
            try
            {
                string token = null;
                for (int page = 0; page < MaxPages; page++)
                {
                    string url = baseUrl + "/signals?" + query.ToQueryString()
                        + (token == null ? string.Empty : "&next_token=" + Uri.EscapeDataString(token));
                    string body;
                    using (WebClient client = NewClient())
                        body = client.DownloadString(url);
                    foreach (FksSignal signal in ParseSignals(body, out token))
                        if (query.Matches(signal) && seen.Add(signal.SignalId))
                            received.Enqueue(signal);
                    if (token == null)
                        break;
                }
                Succeeded();
            }
            catch (WebException ex)
            {
                Failed(ex);
            }
            // Any other failure too (a timer callback that throws would take NT8 down with it).
            catch (Exception ex)
            {
                LastCallSucceeded = false;
                LastError = ex.Message;
            }
            finally
            {
                Interlocked.Exchange(ref fetching, 0);
            }
        }

        private void SendLoop()
        {
            foreach (FksReport report in outbox.GetConsumingEnumerable())
            {
                for (int attempt = 1; attempt <= Attempts; attempt++)
                {
                    if (Post(report))
                        break;
                    Thread.Sleep(500 * (1 << (attempt - 1)));
                }
            }
        }

        /// <summary>True when the report is settled: accepted, a replay, or refused for good (4xx).</summary>
        private bool Post(FksReport report)
        {
            try
            {
                using (WebClient client = NewClient())
                {
                    client.Headers[HttpRequestHeader.ContentType] = "application/json";
                    client.Headers["Idempotency-Key"] = report.IdempotencyKey;
                    client.UploadString(baseUrl + report.Path, "POST", report.Json);
                }
                Succeeded();
                return true;
            }
            catch (WebException ex)
            {
                Failed(ex);
                var response = ex.Response as HttpWebResponse;
                int status = response == null ? 0 : (int)response.StatusCode;
                // A 4xx other than 429 will not change on a resend: keep the error, drop the report.
                return status >= 400 && status < 500 && status != 429;
            }
            catch (Exception ex)
            {
                LastCallSucceeded = false;
                LastError = ex.Message;
                return false;
            }
        }

        private void Succeeded()
        {
            LastCallSucceeded = true;
            LastSuccessUtc = DateTime.UtcNow;
        }

        private void Failed(WebException ex)
        {
            LastCallSucceeded = false;
            LastError = ex.Message;
        }

        private WebClient NewClient()
        {
            var client = new WebClient { Encoding = Encoding.UTF8 };
            client.Headers["Authorization"] = "Bearer " + apiKey;
            return client;
        }

        private static FksSignal ParseSignal(Dictionary<string, object> record)
        {
            if (record == null)
                return null;
            string id = FksJson.Text(record, "signal_id"), side = FksJson.Text(record, "side");
            string quantity = FksJson.Text(record, "quantity"), symbol = FksJson.Text(record, "symbol");
            if (id == null || side == null || quantity == null || symbol == null)
                return null;
            object inner;
            record.TryGetValue("signal", out inner);
            var signal = inner as Dictionary<string, object>;
            string limit = FksJson.Text(signal, "limit_price"), barTime = FksJson.Text(signal, "bar_time");
            decimal contracts = decimal.Parse(quantity, NumberStyles.Number, CultureInfo.InvariantCulture);
            return new FksSignal
            {
                SignalId = id,
                Status = FksJson.Text(record, "status"),
                AssetClass = FksJson.Text(record, "asset_class"),
                Symbol = symbol,
                Account = FksJson.Text(record, "account"),
                IsBuy = side == "buy",
                // Futures trade whole contracts; a fraction is refused by the script, not rounded.
                Quantity = contracts == decimal.Truncate(contracts) ? (int)contracts : 0,
                LimitPrice = limit == null ? 0 : double.Parse(limit, CultureInfo.InvariantCulture),
                BarTimeUtc = barTime == null ? DateTime.UtcNow
                    : FksSignalQuery.Epoch.AddMilliseconds(double.Parse(barTime, CultureInfo.InvariantCulture)),
            };
        }
    }
}
