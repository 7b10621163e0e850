// FKS automated strategy for NinjaTrader 8: polls the platform for the futures signals routed to
// this account and instrument since the strategy started, enters through NT8's managed order
// methods, and reports every order state and execution back (POST /ninja/orders, /ninja/fills).
// An alternative to the ATI bridge for traders who prefer a strategy on the chart: run one or the
// other for an account, never both, or a signal is traded twice.
#region Using declarations
using System;
using System.ComponentModel.DataAnnotations;
using NinjaTrader.Cbi;
using NinjaTrader.NinjaScript.FKS;
#endregion

namespace NinjaTrader.NinjaScript.Strategies
{
    public class FKSAutomatedStrategy : Strategy
    {
        private FksPlatformClient client;
        private readonly FksExecutionReports reports = new FksExecutionReports();

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

        [NinjaScriptProperty]
        [Range(1, 100)]
        [Display(Name = "Max contracts", GroupName = "FKS", Order = 5)]
        public int MaxContracts { get; set; }

        protected override void OnStateChange()
        {
            if (State == State.SetDefaults)
            {
                Name = "FKSAutomatedStrategy";
                Description = "Trades FKS platform signals and reports executions.";
                Calculate = Calculate.OnEachTick;
                EntriesPerDirection = 1;
                EntryHandling = EntryHandling.AllEntries;
                // Prop-firm accounts must be flat before the session ends.
                IsExitOnSessionCloseStrategy = true;
                ExitOnSessionCloseSeconds = 30;
                BarsRequiredToTrade = 1;
                StartBehavior = StartBehavior.WaitUntilFlat;
                RealtimeErrorHandling = RealtimeErrorHandling.StopCancelClose;
                ApiBaseUrl = "https://api.example.com/v1";
                ApiKey = string.Empty;
                FksAccount = string.Empty;
                PollSeconds = 2;
                MaxContracts = 5;
            }
            else if (State == State.Realtime)
            {
                client = new FksPlatformClient(ApiBaseUrl, ApiKey);
                client.StartPolling(PollQuery(Instrument.FullName, SignalAccount(), DateTime.UtcNow), PollSeconds);
            }
            else if (State == State.Terminated && client != null)
            {
                client.Dispose();
                client = null;
            }
        }

        /// <summary>Routed futures signals (risk-checked, approved when manual, handed to NinjaTrader)
        /// for this instrument and account, changed since the strategy started: on a restart it
        /// never enters an old signal or one it already traded.</summary>
        public static FksSignalQuery PollQuery(string instrument, string account, DateTime startedUtc)
        {
            return new FksSignalQuery
            {
                AssetClass = "futures",
                Symbol = instrument,
                Account = account,
                Status = "routed",
                SinceMs = FksSignalQuery.EpochMs(startedUtc),
            };
        }

        protected override void OnBarUpdate()
        {
            if (client == null || State != State.Realtime)
                return;
            FksSignal signal;
            while (client.TryDequeue(out signal))
                Trade(signal);
        }

        protected override void OnExecutionUpdate(Execution execution, string executionId, double price, int quantity,
            MarketPosition marketPosition, string orderId, DateTime time)
        {
            if (client != null)
                client.Send(reports.Fill(execution, executionId, price, quantity, Account.Name));
        }

        protected override void OnOrderUpdate(Order order, double limitPrice, double stopPrice, int quantity, int filled,
            double averageFillPrice, OrderState orderState, DateTime time, ErrorCode error, string comment)
        {
            if (client != null)
                client.Send(reports.OrderState(order, filled, averageFillPrice, orderState));
        }

        private string SignalAccount()
        {
            return string.IsNullOrEmpty(FksAccount) ? Account.Name : FksAccount;
        }

        private void Trade(FksSignal signal)
        {
            if (signal.Quantity < 1 || signal.Quantity > MaxContracts)
            {
                Refuse(signal, "max_contracts", "a whole number of contracts from 1 to " + MaxContracts + " is tradable here");
                return;
            }
            // EntriesPerDirection = 1: NT8 ignores an entry in the direction already held; say so.
            if ((signal.IsBuy && Position.MarketPosition == MarketPosition.Long)
                || (!signal.IsBuy && Position.MarketPosition == MarketPosition.Short))
            {
                Refuse(signal, "entries_per_direction", "already " + Position.MarketPosition + " in " + Instrument.FullName);
                return;
            }
            // Managed entry methods reverse: EnterLong while short first exits the short (NT8 submits
            // the exit and the entry), so an opposite signal is an exit plus a new entry.
            if (signal.LimitPrice > 0)
            {
                if (signal.IsBuy) EnterLongLimit(signal.Quantity, signal.LimitPrice, signal.SignalId);
                else EnterShortLimit(signal.Quantity, signal.LimitPrice, signal.SignalId);
            }
            else if (signal.IsBuy)
                EnterLong(signal.Quantity, signal.SignalId);
            else
                EnterShort(signal.Quantity, signal.SignalId);
        }

        private void Refuse(FksSignal signal, string rule, string reason)
        {
            Print("FKS signal " + signal.SignalId + " refused: " + reason);
            client.Send(FksExecutionReports.Refusal(signal.SignalId, reason, rule));
        }
    }
}
