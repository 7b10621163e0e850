// The reports a chart strategy posts to the platform, built from NT8's order and execution
// events: exactly the platform's NinjaFillReport (POST /ninja/fills) and NinjaOrderStateReport
// (POST /ninja/orders), fields and spelling as layers/core/fks/ninja/reports.py declares them, each
// with an Idempotency-Key derived from NT8's own ids so a resend counts once.
#region Using declarations
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NinjaTrader.Cbi;
#endregion

namespace NinjaTrader.NinjaScript.FKS
{
    public sealed class FksExecutionReports
    {
        public const string FillsPath = "/ninja/fills";
        public const string OrdersPath = "/ninja/orders";
        public const string RefusalsPath = "/ninja/refusals";

        // The platform's SignalId rule (and a Step Functions execution name).
        private static readonly Regex SignalIdPattern = new Regex("^[A-Za-z0-9_-]{1,80}$");

        // Per NT8 order: contracts reported so far. NT8 may call OnExecutionUpdate before the
        // Order object shows the new Filled, so the cumulative count is kept here, never read there.
        private readonly Dictionary<string, int> reportedByOrder = new Dictionary<string, int>();
        // Per execution: the report made for it, so an execution NT8 raises again is resent as is.
        private readonly Dictionary<string, FksReport> reportByExecution = new Dictionary<string, FksReport>();
        private readonly object gate = new object();

        /// <summary>The fill report of one execution; the same report when NT8 repeats the execution.</summary>
        public FksReport Fill(Execution execution, string executionId, double price, int quantity, string account)
        {
            Order order = execution.Order;
            if (order == null || quantity <= 0)
                return null;
            string key = "nt8-fill-" + Digest(account + "|" + executionId, 32);
            lock (gate)
            {
                FksReport known;
                if (reportByExecution.TryGetValue(key, out known))
                    return known;
                int before;
                reportedByOrder.TryGetValue(order.OrderId, out before);
                int cumulative = before + quantity;
                reportedByOrder[order.OrderId] = cumulative;
                string signalId = SignalIdOf(order);
                string json = FksJson.Object(new List<KeyValuePair<string, object>>
                {
                    FksJson.Field("order_id", PlatformOrderId(order.OrderId, signalId)),
                    FksJson.Field("signal_id", signalId),
                    FksJson.Field("account", account),
                    FksJson.Field("instrument", execution.Instrument != null ? execution.Instrument.FullName : order.Instrument.FullName),
                    FksJson.Field("action", IsBuy(order.OrderAction) ? "BUY" : "SELL"),
                    FksJson.Field("quantity", quantity),
                    FksJson.Field("price", Price(price)),
                    FksJson.Field("cumulative_filled", cumulative),
                });
                var report = new FksReport(FillsPath, key, json);
                reportByExecution[key] = report;
                return report;
            }
        }

        /// <summary>The order-state report of an order's new NT8 state and cumulative fill.</summary>
        public FksReport OrderState(Order order, int filled, double averageFillPrice, OrderState state)
        {
            string signalId = SignalIdOf(order);
            string orderId = PlatformOrderId(order.OrderId, signalId);
            // NT8's enum names upper-cased are the platform's Nt8OrderState (PartFilled -> PARTFILLED).
            string stateName = state.ToString().ToUpperInvariant();
            string json = FksJson.Object(new List<KeyValuePair<string, object>>
            {
                FksJson.Field("order_id", orderId),
                FksJson.Field("signal_id", signalId),
                FksJson.Field("state", stateName),
                FksJson.Field("filled", filled),
                FksJson.Field("average_fill_price", Price(filled > 0 ? averageFillPrice : 0)),
            });
            return new FksReport(OrdersPath, "nt8-order-" + orderId + "-" + stateName + "-" + filled, json);
        }

        /// <summary>A signal the script will not trade, so the platform's history says why
        /// (POST /ninja/refusals, keyed like the ATI bridge's refusals).</summary>
        public static FksReport Refusal(string signalId, string reason, string rule)
        {
            string json = FksJson.Object(new List<KeyValuePair<string, object>>
            {
                FksJson.Field("signal_id", signalId),
                FksJson.Field("reason", reason),
                FksJson.Field("rule", rule),
            });
            return new FksReport(RefusalsPath, "refusal:" + signalId, json);
        }

        /// <summary>The FKS signal an order belongs to: an entry is named after its signal; NT8's own
        /// exits ("Close position", "Exit on session close") name the entry they close.</summary>
        public static string SignalIdOf(Order order)
        {
            if (order.Name != null && SignalIdPattern.IsMatch(order.Name))
                return order.Name;
            if (order.FromEntrySignal != null && SignalIdPattern.IsMatch(order.FromEntrySignal))
                return order.FromEntrySignal;
            // An order the strategy did not name after a signal still moves the position.
            return "nt8-" + Digest(order.OrderId, 16);
        }

        /// <summary>The platform's order id for an NT8 order, shaped like the ATI bridge's
        /// (fks + 10 hex + '-' + signal id, at most 36 characters) so GET /orders/{id} reads it.</summary>
        public static string PlatformOrderId(string nt8OrderId, string signalId)
        {
            string tail = signalId.Length > 22 ? signalId.Substring(0, 22) : signalId;
            return "fks" + Digest(nt8OrderId, 10) + "-" + tail;
        }

        private static bool IsBuy(OrderAction action)
        {
            return action == OrderAction.Buy || action == OrderAction.BuyToCover;
        }

        private static decimal Price(double price)
        {
            // double -> decimal keeps 15 significant digits: 5001.75 stays "5001.75", no float noise.
            return (decimal)price;
        }

        private static string Digest(string text, int hexChars)
        {
            using (SHA1 sha = SHA1.Create())
            {
                byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text ?? string.Empty));
                var builder = new StringBuilder();
                foreach (byte b in hash)
                    builder.Append(b.ToString("x2", CultureInfo.InvariantCulture));
                return builder.ToString(0, hexChars);
            }
        }
    }
}
