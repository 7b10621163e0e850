// FKS automated strategy for NinjaTrader 8: polls the platform for this account's futures
// signals, enters and exits through NT8's managed order methods, and reports every execution back
// from OnExecutionUpdate. An alternative to the ATI bridge for traders who prefer a strategy
// running on the chart; the prop-firm rules still run on the platform before a signal is served.
#region Using declarations
using System;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using NinjaTrader.Cbi;
using NinjaTrader.NinjaScript.FKS;
#endregion

namespace NinjaTrader.NinjaScript.Strategies
{
    public class FKSAutomatedStrategy : Strategy
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
        [Range(1, 100)]
        [Display(Name = "Max contracts", GroupName = "FKS", Order = 4)]
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
                PollSeconds = 2;
                MaxContracts = 5;
            }
            else if (State == State.Realtime)
            {
                // Only live signals: replaying history would re-trade what already happened.
                client = new FksPlatformClient(ApiBaseUrl, ApiKey);
                string query = "asset_class=futures&account=" + Uri.EscapeDataString(Account.Name)
                    + "&symbol=" + Uri.EscapeDataString(Instrument.FullName);
                client.StartPolling(query, PollSeconds);
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
                Trade(signal);
        }

        protected override void OnExecutionUpdate(Execution execution, string executionId, double price, int quantity,
            MarketPosition marketPosition, string orderId, DateTime time)
        {
            if (client == null || execution.Order == null)
                return;
            var fill = new Dictionary<string, object>
            {
                { "execution_id", executionId },
                { "order_id", orderId },
                { "signal_id", execution.Order.Name },
                { "account", Account.Name },
                { "instrument", Instrument.FullName },
                { "action", execution.Order.OrderAction.ToString().ToUpperInvariant() },
                { "quantity", quantity },
                // Prices as strings so the platform reads them into Decimal, never float.
                { "price", price.ToString(CultureInfo.InvariantCulture) },
                { "market_position", marketPosition.ToString().ToUpperInvariant() },
                { "time", time.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture) },
            };
            client.PostJson("/fills", FksPlatformClient.Json(fill));
        }

        protected override void OnOrderUpdate(Order order, double limitPrice, double stopPrice, int quantity, int filled,
            double averageFillPrice, OrderState orderState, DateTime time, ErrorCode error, string comment)
        {
            if (client == null || (orderState != OrderState.Rejected && orderState != OrderState.Cancelled))
                return;
            var state = new Dictionary<string, object>
            {
                { "order_id", order.OrderId },
                { "signal_id", order.Name },
                { "state", orderState.ToString().ToUpperInvariant() },
                { "filled", filled },
                { "reason", comment ?? error.ToString() },
            };
            client.PostJson("/orders", FksPlatformClient.Json(state));
        }

        private void Trade(FksSignal signal)
        {
            if (signal.Quantity > MaxContracts)
            {
                Print("FKS signal " + signal.SignalId + " refused: over " + MaxContracts + " contracts");
                return;
            }
            // Managed entry methods reverse: EnterLong while short first exits the short (NT8 submits
            // the exit and the entry), so an opposite signal is an exit plus a new entry. A signal in
            // the direction already held is ignored (EntriesPerDirection = 1).
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
    }
}
