// FKS signal indicator for NinjaTrader 8: draws the platform's futures signals for the chart's
// instrument and shows whether the FKS API and NT8's data/broker connections are up.
// Manual mode in the bridge relies on this: the trader sees the signal here and decides.
#region Using declarations
using System;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Linq;
using System.Windows.Media;
using NinjaTrader.Cbi;
using NinjaTrader.NinjaScript.DrawingTools;
using NinjaTrader.NinjaScript.FKS;
#endregion

namespace NinjaTrader.NinjaScript.Indicators
{
    public class FKSSignalIndicator : Indicator
    {
        private FksPlatformClient client;

        [NinjaScriptProperty]
        [Display(Name = "API base URL", GroupName = "FKS", Order = 1)]
        public string ApiBaseUrl { get; set; }

        [NinjaScriptProperty]
        [Display(Name = "API key", GroupName = "FKS", Order = 2)]
        public string ApiKey { get; set; }

        [NinjaScriptProperty]
        [Range(1, 3600)]
        [Display(Name = "Poll seconds", GroupName = "FKS", Order = 3)]
        public int PollSeconds { get; set; }

        [NinjaScriptProperty]
        [Display(Name = "FKS account", Description = "Only this account's signals; empty: every account's",
            GroupName = "FKS", Order = 4)]
        public string FksAccount { get; set; }

        [NinjaScriptProperty]
        [Range(0, 10080)]
        [Display(Name = "Look back minutes", Description = "Signals that changed this long before the chart loaded",
            GroupName = "FKS", Order = 5)]
        public int LookbackMinutes { get; set; }

        protected override void OnStateChange()
        {
            if (State == State.SetDefaults)
            {
                Name = "FKSSignalIndicator";
                Description = "Draws FKS platform signals and the connection status.";
                Calculate = Calculate.OnEachTick;
                IsOverlay = true;
                DisplayInDataBox = false;
                DrawOnPricePanel = true;
                // Keep polling while the chart tab is hidden so no signal is missed.
                IsSuspendedWhileInactive = false;
                ApiBaseUrl = "https://api.example.com/v1";
                ApiKey = string.Empty;
                PollSeconds = 5;
                FksAccount = string.Empty;
                LookbackMinutes = 60;
            }
            else if (State == State.DataLoaded)
            {
                client = new FksPlatformClient(ApiBaseUrl, ApiKey);
                client.StartPolling(PollQuery(Instrument.FullName, FksAccount, DateTime.UtcNow, LookbackMinutes), PollSeconds);
            }
            else if (State == State.Terminated && client != null)
            {
                client.Dispose();
                client = null;
            }
        }

        /// <summary>Futures signals for the chart's instrument (and account, when set) in any status,
        /// changed since the look-back began: what the trader should see, not the day's whole list.</summary>
        public static FksSignalQuery PollQuery(string instrument, string account, DateTime loadedUtc, int lookbackMinutes)
        {
            return new FksSignalQuery
            {
                AssetClass = "futures",
                Symbol = instrument,
                Account = string.IsNullOrEmpty(account) ? null : account,
                SinceMs = FksSignalQuery.EpochMs(loadedUtc.AddMinutes(-lookbackMinutes)),
            };
        }

        protected override void OnBarUpdate()
        {
            if (client == null || CurrentBar < 1)
                return;
            FksSignal signal;
            while (client.TryDequeue(out signal))
                DrawSignal(signal);
            Draw.TextFixed(this, "fks-status", StatusText(), TextPosition.TopRight);
        }

        private void DrawSignal(FksSignal signal)
        {
            string tag = "fks-" + signal.SignalId;
            DateTime when = signal.BarTimeUtc.ToLocalTime();
            if (signal.IsBuy)
                Draw.ArrowUp(this, tag, false, when, Low[0] - 2 * TickSize, Brushes.LimeGreen);
            else
                Draw.ArrowDown(this, tag, false, when, High[0] + 2 * TickSize, Brushes.Red);
            Print(string.Format(CultureInfo.InvariantCulture, "FKS signal {0} ({4}): {1} {2} {3}",
                signal.SignalId, signal.IsBuy ? "BUY" : "SELL", signal.Quantity, signal.Symbol, signal.Status));
        }

        private string StatusText()
        {
            bool brokerUp = Connection.Connections.Any(c => c.Status == ConnectionStatus.Connected);
            string api = client.LastCallSucceeded ? "FKS API: ok" : "FKS API: DOWN " + (client.LastError ?? string.Empty);
            return api + Environment.NewLine + (brokerUp ? "NT8: connected" : "NT8: DISCONNECTED");
        }
    }
}
