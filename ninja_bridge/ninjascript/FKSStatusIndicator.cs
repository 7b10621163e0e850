// FKS status indicator for NinjaTrader 8: on the chart, whether the FKS platform answers, whether
// the ATI bridge's heartbeat is fresh and the account's trading state (both from the platform's
// GET /health), NT8's connections, the account's realised and open P&L, and the headroom left
// under the prop-firm's daily loss limit and trailing drawdown. It also writes the account's
// values for the bridge (FksAccountValues), which applies the firm's rules on open equity.
#region Using declarations
using System;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using NinjaTrader.Cbi;
using NinjaTrader.NinjaScript.DrawingTools;
using NinjaTrader.NinjaScript.FKS;
#endregion

namespace NinjaTrader.NinjaScript.Indicators
{
    public class FKSStatusIndicator : Indicator
    {
        private FksPlatformClient client;
        private Timer timer;
        private Timer valuesTimer;
        private volatile FksHealth health;
        private volatile FksAccountValues lastValues;
        private decimal peakNetLiquidation;

        [NinjaScriptProperty]
        [Display(Name = "API base URL", GroupName = "FKS", Order = 1)]
        public string ApiBaseUrl { get; set; }

        [NinjaScriptProperty]
        [Display(Name = "API key", GroupName = "FKS", Order = 2)]
        public string ApiKey { get; set; }

        [NinjaScriptProperty]
        [Display(Name = "NT8 account", GroupName = "FKS", Order = 3)]
        public string AccountName { get; set; }

        [NinjaScriptProperty]
        [Display(Name = "Bridge name", Description = "The bridge's bridge_name (its heartbeat on GET /health)",
            GroupName = "FKS", Order = 4)]
        public string BridgeName { get; set; }

        [NinjaScriptProperty]
        [Range(1, 3600)]
        [Display(Name = "Poll seconds", GroupName = "FKS", Order = 5)]
        public int PollSeconds { get; set; }

        [NinjaScriptProperty]
        [Range(0, 1000000)]
        [Display(Name = "Daily loss limit ($)", Description = "0: none", GroupName = "Rules", Order = 6)]
        public double DailyLossLimit { get; set; }

        [NinjaScriptProperty]
        [Range(0, 1000000)]
        [Display(Name = "Trailing drawdown ($)", Description = "0: none", GroupName = "Rules", Order = 7)]
        public double TrailingDrawdown { get; set; }

        [NinjaScriptProperty]
        [Display(Name = "Account values folder", Description = "Where the bridge reads account values (its account_values)",
            GroupName = "Bridge", Order = 8)]
        public string AccountValuesFolder { get; set; }

        protected override void OnStateChange()
        {
            if (State == State.SetDefaults)
            {
                Name = "FKSStatusIndicator";
                Description = "FKS platform, bridge and account status with prop-firm rule headroom.";
                Calculate = Calculate.OnEachTick;
                IsOverlay = true;
                DisplayInDataBox = false;
                DrawOnPricePanel = true;
                IsSuspendedWhileInactive = false; // the bridge needs the account values all the time
                ApiBaseUrl = "https://api.example.com/v1";
                ApiKey = string.Empty;
                AccountName = "Sim101";
                BridgeName = "ninja-bridge";
                PollSeconds = 10;
                DailyLossLimit = 0;
                TrailingDrawdown = 0;
                AccountValuesFolder = Path.Combine(NinjaTrader.Core.Globals.UserDataDir, "fks", "accounts");
            }
            else if (State == State.DataLoaded)
            {
                client = new FksPlatformClient(ApiBaseUrl, ApiKey);
                timer = new Timer(_ => PollHealth(), null, 0, Math.Max(1, PollSeconds) * 1000);
                // Every second, ticks or not: on a quiet market the bridge still needs fresh values.
                valuesTimer = new Timer(_ => WriteForBridge(), null, 0, 1000);
            }
            else if (State == State.Terminated)
            {
                if (timer != null) timer.Dispose();
                if (valuesTimer != null) valuesTimer.Dispose();
                if (client != null) client.Dispose();
                timer = null;
                valuesTimer = null;
                client = null;
            }
        }

        protected override void OnBarUpdate()
        {
            if (client == null || State != State.Realtime)
                return;
            var lines = new List<string> { PlatformLine(), BridgeLine(), TradingLine(), ConnectionLine() };
            FksAccountValues values = lastValues;
            if (values == null)
                lines.Add("Account " + AccountName + ": not found in NT8");
            else
            {
                peakNetLiquidation = Math.Max(peakNetLiquidation, values.NetLiquidation);
                lines.Add(string.Format(CultureInfo.InvariantCulture, "Account {0}: realised {1:N2}, open {2:N2}, net liq {3:N2}",
                    AccountName, values.Realized, values.Unrealized, values.NetLiquidation));
                lines.AddRange(Headroom(values, peakNetLiquidation, (decimal)DailyLossLimit, (decimal)TrailingDrawdown));
            }
            Draw.TextFixed(this, "fks-status", string.Join(Environment.NewLine, lines), TextPosition.BottomLeft);
        }

        /// <summary>Headroom under each rule: the daily loss on today's realised plus open P&amp;L, the
        /// trailing drawdown from the highest net liquidation seen on this chart (the bridge keeps the
        /// authoritative figures and flattens; this is what the trader sees).</summary>
        public static List<string> Headroom(FksAccountValues values, decimal peak, decimal dailyLossLimit, decimal trailingDrawdown)
        {
            var lines = new List<string>();
            if (dailyLossLimit > 0)
            {
                decimal left = dailyLossLimit + Math.Min(0, values.OpenPnl);
                lines.Add(string.Format(CultureInfo.InvariantCulture, "Daily loss headroom: {0:N2} of {1:N2}{2}",
                    left, dailyLossLimit, left <= 0 ? "  BREACHED" : string.Empty));
            }
            if (trailingDrawdown > 0)
            {
                decimal left = trailingDrawdown - (peak - values.NetLiquidation);
                lines.Add(string.Format(CultureInfo.InvariantCulture, "Drawdown headroom: {0:N2} of {1:N2}{2}",
                    left, trailingDrawdown, left <= 0 ? "  BREACHED" : string.Empty));
            }
            return lines;
        }

        private void PollHealth()
        {
            try
            {
                string body = client == null ? null : client.Get("/health");
                health = body == null ? null : FksHealth.Parse(body);
            }
            // A timer callback that throws would take NT8 down with it.
            catch (Exception)
            {
                health = null;
            }
        }

        private void WriteForBridge()
        {
            Account account;
            try
            {
                account = FindAccount(AccountName);
            }
            catch (Exception)
            {
                return;
            }
            if (account == null)
            {
                lastValues = null;
                return;
            }
            FksAccountValues values = FksAccountValues.Read(account, DateTime.UtcNow);
            lastValues = values;
            if (string.IsNullOrEmpty(AccountValuesFolder))
                return;
            try
            {
                values.WriteFor(AccountValuesFolder, account.Name);
            }
            // A timer callback that throws would take NT8 down with it: report and carry on.
            catch (Exception ex)
            {
                Print("FKS: cannot write account values: " + ex.Message);
            }
        }

        private string PlatformLine()
        {
            if (client.LastCallSucceeded)
                return "FKS platform: ok";
            return "FKS platform: DOWN " + (client.LastError ?? string.Empty);
        }

        private string BridgeLine()
        {
            FksHealth known = health;
            return "Bridge " + BridgeName + ": " + (known == null ? "unknown" : known.Describe("bridge:" + BridgeName));
        }

        private string TradingLine()
        {
            FksHealth known = health;
            // The execution engine keeps a trading state for accounts it has halted or reduced.
            string state = known == null ? "unknown" : known.Describe("trading:" + AccountName);
            return "Trading " + AccountName + ": " + (state == "not reported" ? "active" : state);
        }

        private static string ConnectionLine()
        {
            var up = Connection.Connections.Where(c => c.Status == ConnectionStatus.Connected).Select(c => c.Options.Name).ToList();
            return up.Count == 0 ? "NT8: DISCONNECTED" : "NT8: connected (" + string.Join(", ", up) + ")";
        }

        private static Account FindAccount(string name)
        {
            lock (Account.All)
                return Account.All.FirstOrDefault(a => a.Name == name);
        }
    }
}

namespace NinjaTrader.NinjaScript.FKS
{
    /// <summary>The platform's GET /health: {"status": ..., "parts": [{"part", "status", "reason"?}]}.</summary>
    public sealed class FksHealth
    {
        private readonly Dictionary<string, string> parts = new Dictionary<string, string>();

        public static FksHealth Parse(string body)
        {
            var root = FksJson.Parse(body) as Dictionary<string, object>;
            object listed;
            if (root == null || !root.TryGetValue("parts", out listed) || !(listed is List<object>))
                throw new FormatException("GET /health did not list parts");
            var health = new FksHealth();
            foreach (object item in (List<object>)listed)
            {
                var part = item as Dictionary<string, object>;
                string name = FksJson.Text(part, "part"), status = FksJson.Text(part, "status");
                if (name == null || status == null)
                    continue;
                string reason = FksJson.Text(part, "reason");
                health.parts[name] = reason == null ? status : status + " (" + reason + ")";
            }
            return health;
        }

        public string Describe(string part)
        {
            string text;
            return parts.TryGetValue(part, out text) ? text : "not reported";
        }
    }
}
