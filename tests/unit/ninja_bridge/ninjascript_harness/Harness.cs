// Runs the FKS NinjaScript sources' report builders, poll queries and parsers under mono, against
// the NT8 API stubs, and prints what they make as JSON lines, so the Python tests can check it
// against the platform's own models and send it to the platform.
//   harness.exe reports [tag]                every report a strategy would post, one per line (tag: appended to
//                                            ids and accounts, so a shared stack sees fresh ones)
//   harness.exe queries <instrument> <account> <UTC ISO time>
//   harness.exe parse-signals < body         a GET /signals body as the scripts read it
//   harness.exe account-values <realised> <unrealised> <net liq> <UTC ISO time>
using System;
using System.Collections.Generic;
using System.Globalization;
using NinjaTrader.Cbi;
using NinjaTrader.NinjaScript.FKS;
using NinjaTrader.NinjaScript.Indicators;
using NinjaTrader.NinjaScript.Strategies;

public static class Harness
{
    public static int Main(string[] args)
    {
        switch (args.Length > 0 ? args[0] : string.Empty)
        {
            case "reports": Reports(args.Length > 1 ? args[1] : string.Empty); return 0;
            case "queries": Queries(args[1], args[2], Utc(args[3])); return 0;
            case "parse-signals": ParseSignals(Console.In.ReadToEnd()); return 0;
            case "account-values": AccountValues(args); return 0;
            default: Console.Error.WriteLine("usage: harness.exe reports|queries|parse-signals|account-values"); return 2;
        }
    }

    private static void Reports(string tag)
    {
        var es = new Instrument { FullName = "ES 12-25" };
        var reports = new FksExecutionReports();
        var entry = new Order { Name = "sig-entry-1" + tag, OrderId = "3f1c9e2a7b5d4e60a1b2c3d4e5f60718" + tag, OrderAction = OrderAction.Buy, Instrument = es };
        Print("entry fill 1", reports.Fill(new Execution { Order = entry, Instrument = es }, "exec-1", 5001.75, 1, "Sim101" + tag));
        Print("entry fill 2", reports.Fill(new Execution { Order = entry, Instrument = es }, "exec-2", 5002.25, 2, "Sim101" + tag));
        Print("entry fill 1 again", reports.Fill(new Execution { Order = entry, Instrument = es }, "exec-1", 5001.75, 1, "Sim101" + tag));
        Print("entry filled", reports.OrderState(entry, 3, 5002.0833333333, OrderState.Filled));
        // NT8's own exit when a short signal reverses the long: named "Close position".
        var exit = new Order { Name = "Close position", FromEntrySignal = "sig-entry-1" + tag, OrderId = "9a8b7c6d5e4f30211203f4e5d6c7b8a9" + tag, OrderAction = OrderAction.Sell, Instrument = es };
        Print("reversal exit fill", reports.Fill(new Execution { Order = exit, Instrument = es }, "exec-3", 4999.5, 3, "Sim101" + tag));
        var cover = new Order { Name = "sig-cover-2" + tag, OrderId = "c0ffee00c0ffee00c0ffee00c0ffee00" + tag, OrderAction = OrderAction.BuyToCover, Instrument = es };
        Print("cover fill", reports.Fill(new Execution { Order = cover, Instrument = es }, "exec-4", 0.1 + 0.2 + 5000, 1, "APEX-1234-01" + tag));
        var manual = new Order { Name = "Entry", OrderId = "manual-order-1" + tag, OrderAction = OrderAction.SellShort, Instrument = es };
        Print("unnamed order fill", reports.Fill(new Execution { Order = manual, Instrument = es }, "exec-5", 5000, 1, "Sim101" + tag));
        foreach (OrderState state in Enum.GetValues(typeof(OrderState)))
            Print("state " + state, reports.OrderState(entry, state == OrderState.PartFilled ? 1 : 0, 5001.75, state));
        Print("refusal", FksExecutionReports.Refusal("sig-entry-1" + tag, "already Long in ES 12-25", "entries_per_direction"));
    }

    private static void Queries(string instrument, string account, DateTime at)
    {
        Line("automated", FKSAutomatedStrategy.PollQuery(instrument, account, at).ToQueryString());
        Line("indicator", FKSSignalIndicator.PollQuery(instrument, account, at, 60).ToQueryString());
        Line("indicator-any-account", FKSSignalIndicator.PollQuery(instrument, string.Empty, at, 0).ToQueryString());
    }

    private static void ParseSignals(string body)
    {
        string token;
        foreach (FksSignal s in FksPlatformClient.ParseSignals(body, out token))
            Console.WriteLine(FksJson.Object(new List<KeyValuePair<string, object>>
            {
                FksJson.Field("signal_id", s.SignalId),
                FksJson.Field("status", s.Status),
                FksJson.Field("asset_class", s.AssetClass),
                FksJson.Field("symbol", s.Symbol),
                FksJson.Field("account", s.Account),
                FksJson.Field("side", s.IsBuy ? "buy" : "sell"),
                FksJson.Field("quantity", s.Quantity),
                FksJson.Field("limit_price", s.LimitPrice.ToString(CultureInfo.InvariantCulture)),
                FksJson.Field("bar_time_ms", FksSignalQuery.EpochMs(s.BarTimeUtc)),
            }));
        Line("next_token", token);
    }

    private static void AccountValues(string[] args)
    {
        var values = new FksAccountValues
        {
            Realized = decimal.Parse(args[1], CultureInfo.InvariantCulture),
            Unrealized = decimal.Parse(args[2], CultureInfo.InvariantCulture),
            NetLiquidation = decimal.Parse(args[3], CultureInfo.InvariantCulture),
            AtUtc = Utc(args[4]),
        };
        Line("line", values.ToLine());
        foreach (string headroom in FKSStatusIndicator.Headroom(values, values.NetLiquidation + 500, 1000, 2000))
            Line("headroom", headroom);
    }

    private static DateTime Utc(string iso)
    {
        return DateTime.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
    }

    private static void Print(string name, FksReport report)
    {
        Console.WriteLine(FksJson.Object(new List<KeyValuePair<string, object>>
        {
            FksJson.Field("name", name),
            FksJson.Field("path", report.Path),
            FksJson.Field("key", report.IdempotencyKey),
            FksJson.Field("body", report.Json),
        }));
    }

    private static void Line(string name, string value)
    {
        Console.WriteLine(FksJson.Object(new List<KeyValuePair<string, object>> { FksJson.Field("name", name), FksJson.Field("value", value) }));
    }
}
