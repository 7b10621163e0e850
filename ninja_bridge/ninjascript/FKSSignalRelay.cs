// FKS signal relay for NinjaTrader 8: forwards the platform's routed futures signals for this
// account and instrument to the trader (an NT8 alert with sound, a chart marker and a line in the
// output window) and places no order: the trader decides and executes by hand. For manual
// prop-firm accounts, and firms whose rules forbid automated trading.
#region Using declarations
using System;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.IO;
using System.Windows.Media;
using NinjaTrader.Cbi;
using NinjaTrader.NinjaScript.DrawingTools;
using NinjaTrader.NinjaScript.FKS;
#endregion

namespace NinjaTrader.NinjaScript.Strategies
{
    public class FKSSignalRelay : Strategy
    {
        private FksPlatformClient client;

        [NinjaScriptProperty]
        [Display(Name = "API base URL", GroupName = "FKS", Order = 1)]
        public string ApiBaseUrl { get; set; }

        [NinjaScriptProperty]
        [Display(Name = "API key", GroupName = "FKS", Order = 2)]
        public string ApiKey { get; set; }

        [NinjaScriptProperty]
        [Display(Name = "FKS account", Description = "The signals' account on the platform; empty: the NT8 account's name",
            GroupName = "FKS", Order = 3)]
        public string FksAccount { get; set; }

        [NinjaScriptProperty]
        [Range(1, 3600)]
        [Display(Name = "Poll seconds", GroupName = "FKS", Order = 4)]
        public int PollSeconds { get; set; }

        protected override void OnStateChange()
        {
            if (State == State.SetDefaults)
            {
                Name = "FKSSignalRelay";
                Description = "Forwards FKS platform signals to the trader; places no orders.";
                Calculate = Calculate.OnEachTick;
                ApiBaseUrl = "https://api.example.com/v1";
                ApiKey = string.Empty;
                FksAccount = string.Empty;
                PollSeconds = 2;
            }
            else if (State == State.Realtime)
            {
                client = new FksPlatformClient(ApiBaseUrl, ApiKey);
                string account = string.IsNullOrEmpty(FksAccount) ? Account.Name : FksAccount;
                // The same signals the automated strategy would trade: routed, since the relay started.
                client.StartPolling(FKSAutomatedStrategy.PollQuery(Instrument.FullName, account, DateTime.UtcNow), PollSeconds);
            }
            else if (State == State.Terminated && client != null)
            {
                client.Dispose();
                client = null;
            }
        }

        protected override void OnBarUpdate()
        {
            if (client == null || State != State.Realtime)
                return;
            FksSignal signal;
            while (client.TryDequeue(out signal))
                Forward(signal);
        }

        public static string Describe(FksSignal signal)
        {
            string price = signal.LimitPrice > 0
                ? "limit " + signal.LimitPrice.ToString(CultureInfo.InvariantCulture)
                : "market";
            return string.Format(CultureInfo.InvariantCulture, "FKS {0} {1} {2} {3} for {4} (signal {5})",
                signal.IsBuy ? "BUY" : "SELL", signal.Quantity, signal.Symbol, price, signal.Account, signal.SignalId);
        }

        private void Forward(FksSignal signal)
        {
            string text = Describe(signal);
            Print(text);
            Alert("fks-" + signal.SignalId, Priority.High, text,
                Path.Combine(NinjaTrader.Core.Globals.InstallDir, "sounds", "Alert1.wav"), 0,
                signal.IsBuy ? Brushes.LimeGreen : Brushes.Red, Brushes.Black);
            if (signal.IsBuy)
                Draw.ArrowUp(this, "fks-" + signal.SignalId, false, 0, Low[0] - 2 * TickSize, Brushes.LimeGreen);
            else
                Draw.ArrowDown(this, "fks-" + signal.SignalId, false, 0, High[0] + 2 * TickSize, Brushes.Red);
        }
    }
}
