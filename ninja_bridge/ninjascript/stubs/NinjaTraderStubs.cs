// Compile-check stubs: the subset of the NinjaTrader 8 API (and the WPF / DataAnnotations types
// NT8 brings with it) that the FKS NinjaScript sources use, with NT8's namespaces and signatures.
// Nothing here runs; it lets Debian's mono-mcs prove the sources are well-typed C# without a
// Windows NT8 install. Keep signatures identical to NT8's help guide when adding members.
using System;
using System.Collections.Generic;

namespace System.ComponentModel.DataAnnotations
{
    [AttributeUsage(AttributeTargets.Property)]
    public sealed class DisplayAttribute : Attribute
    {
        public string Name { get; set; }
        public string GroupName { get; set; }
        public int Order { get; set; }
        public string Description { get; set; }
    }

    [AttributeUsage(AttributeTargets.Property)]
    public sealed class RangeAttribute : Attribute
    {
        public RangeAttribute(int minimum, int maximum) { }
        public RangeAttribute(double minimum, double maximum) { }
    }
}

namespace System.Windows.Media
{
    public class Brush { }

    public static class Brushes
    {
        public static Brush LimeGreen = new Brush();
        public static Brush Red = new Brush();
        public static Brush Gray = new Brush();
        public static Brush Orange = new Brush();
        public static Brush Black = new Brush();
    }
}

namespace NinjaTrader.Cbi
{
    public enum MarketPosition { Flat, Long, Short }
    public enum OrderAction { Buy, BuyToCover, Sell, SellShort }
    public enum OrderState
    {
        Accepted, Cancelled, CancelPending, CancelSubmitted, ChangePending, ChangeSubmitted, Filled,
        Initialized, PartFilled, Rejected, Submitted, TriggerPending, Unknown, Working
    }
    public enum ErrorCode { NoError, InvalidInstrument, OrderRejected, UnableToSubmitOrder }
    public enum ConnectionStatus { Connected, Connecting, ConnectionLost, Disconnected, Disconnecting }

    public class MasterInstrument { public string Name { get; set; } }

    public class Instrument
    {
        public string FullName { get; set; }
        public MasterInstrument MasterInstrument { get; set; }
    }

    public enum AccountItem { BuyingPower, CashValue, ExcessIntradayMargin, NetLiquidation, RealizedProfitLoss, UnrealizedProfitLoss }
    public enum Currency { UsDollar }

    public class Account
    {
        // NT8 keeps every account here; lock it while enumerating (help guide, Account.All).
        public static System.Collections.ObjectModel.Collection<Account> All =
            new System.Collections.ObjectModel.Collection<Account>();
        public string Name { get; set; }
        public double Get(AccountItem itemType, Currency currency) { return 0; }
    }

    public class Order
    {
        public string Name { get; set; }
        public string OrderId { get; set; }
        public string FromEntrySignal { get; set; }
        public OrderState OrderState { get; set; }
        public OrderAction OrderAction { get; set; }
        public int Filled { get; set; }
        public double AverageFillPrice { get; set; }
        public Instrument Instrument { get; set; }
        public Account Account { get; set; }
    }

    public class Execution
    {
        public string ExecutionId { get; set; }
        public double Price { get; set; }
        public int Quantity { get; set; }
        public DateTime Time { get; set; }
        public MarketPosition MarketPosition { get; set; }
        public Order Order { get; set; }
        public Instrument Instrument { get; set; }
        public Account Account { get; set; }
    }

    public class Position
    {
        public MarketPosition MarketPosition { get; set; }
        public int Quantity { get; set; }
        public double AveragePrice { get; set; }
    }

    public class ConnectionOptions { public string Name { get; set; } }

    public class Connection
    {
        public static List<Connection> Connections = new List<Connection>();
        public ConnectionStatus Status { get; set; }
        public ConnectionOptions Options { get; set; }
    }
}

namespace NinjaTrader.Core
{
    public static class Globals
    {
        public static string InstallDir = string.Empty;
        public static string UserDataDir = string.Empty; // Documents\NinjaTrader 8\
    }
}

namespace NinjaTrader.NinjaScript
{
    public enum Priority { High, Medium, Low }
    public enum State { SetDefaults, Configure, Active, DataLoaded, Historical, Transition, Realtime, Terminated, Finalized }
    public enum Calculate { OnBarClose, OnEachTick, OnPriceChange }
    public enum EntryHandling { AllEntries, UniqueEntries }
    public enum StartBehavior { AdoptAccountPosition, ImmediatelySubmit, ImmediatelySubmitSynchronizeAccount, WaitUntilFlat, WaitUntilFlatSynchronizeAccount }
    public enum RealtimeErrorHandling { IgnoreAllErrors, StopCancelClose, StopCancelCloseIgnoreRejects }

    [AttributeUsage(AttributeTargets.Property)]
    public sealed class NinjaScriptPropertyAttribute : Attribute { }

    public interface ISeries<T>
    {
        T this[int barsAgo] { get; }
        int Count { get; }
    }

    public abstract class NinjaScriptBase
    {
        public string Name { get; set; }
        public string Description { get; set; }
        public State State { get; protected set; }
        public Calculate Calculate { get; set; }
        public int CurrentBar { get; protected set; }
        public double TickSize { get; protected set; }
        public NinjaTrader.Cbi.Instrument Instrument { get; protected set; }
        public ISeries<double> Close { get; protected set; }
        public ISeries<double> High { get; protected set; }
        public ISeries<double> Low { get; protected set; }
        public ISeries<DateTime> Time { get; protected set; }
        public void Print(object value) { }
        public void Alert(string id, Priority priority, string message, string soundLocation, int rearmSeconds,
            System.Windows.Media.Brush backBrush, System.Windows.Media.Brush foreBrush) { }
        public void TriggerCustomEvent(Action<object> callback, object state) { }
        protected virtual void OnStateChange() { }
        protected virtual void OnBarUpdate() { }
    }
}

namespace NinjaTrader.NinjaScript.Indicators
{
    public abstract class Indicator : NinjaTrader.NinjaScript.NinjaScriptBase
    {
        public bool IsOverlay { get; set; }
        public bool DisplayInDataBox { get; set; }
        public bool DrawOnPricePanel { get; set; }
        public bool IsSuspendedWhileInactive { get; set; }
    }
}

namespace NinjaTrader.NinjaScript.Strategies
{
    using NinjaTrader.Cbi;

    public abstract class Strategy : NinjaTrader.NinjaScript.NinjaScriptBase
    {
        public int EntriesPerDirection { get; set; }
        public EntryHandling EntryHandling { get; set; }
        public bool IsExitOnSessionCloseStrategy { get; set; }
        public int ExitOnSessionCloseSeconds { get; set; }
        public int BarsRequiredToTrade { get; set; }
        public StartBehavior StartBehavior { get; set; }
        public RealtimeErrorHandling RealtimeErrorHandling { get; set; }
        public Account Account { get; protected set; }
        public Position Position { get; protected set; }

        public Order EnterLong(int quantity, string signalName) { return null; }
        public Order EnterShort(int quantity, string signalName) { return null; }
        public Order EnterLongLimit(int quantity, double limitPrice, string signalName) { return null; }
        public Order EnterShortLimit(int quantity, double limitPrice, string signalName) { return null; }
        public Order ExitLong(int quantity, string signalName, string fromEntrySignal) { return null; }
        public Order ExitShort(int quantity, string signalName, string fromEntrySignal) { return null; }

        protected virtual void OnExecutionUpdate(Execution execution, string executionId, double price, int quantity,
            MarketPosition marketPosition, string orderId, DateTime time) { }

        protected virtual void OnOrderUpdate(Order order, double limitPrice, double stopPrice, int quantity, int filled,
            double averageFillPrice, OrderState orderState, DateTime time, ErrorCode error, string comment) { }
    }
}

namespace NinjaTrader.NinjaScript.DrawingTools
{
    public enum TextPosition { BottomLeft, BottomRight, Center, TopLeft, TopRight }

    public class DrawingTool { }

    public static class Draw
    {
        public static DrawingTool ArrowUp(NinjaTrader.NinjaScript.NinjaScriptBase owner, string tag, bool isAutoScale,
            DateTime time, double y, System.Windows.Media.Brush brush) { return new DrawingTool(); }

        public static DrawingTool ArrowDown(NinjaTrader.NinjaScript.NinjaScriptBase owner, string tag, bool isAutoScale,
            DateTime time, double y, System.Windows.Media.Brush brush) { return new DrawingTool(); }

        public static DrawingTool ArrowUp(NinjaTrader.NinjaScript.NinjaScriptBase owner, string tag, bool isAutoScale,
            int barsAgo, double y, System.Windows.Media.Brush brush) { return new DrawingTool(); }

        public static DrawingTool ArrowDown(NinjaTrader.NinjaScript.NinjaScriptBase owner, string tag, bool isAutoScale,
            int barsAgo, double y, System.Windows.Media.Brush brush) { return new DrawingTool(); }

        public static DrawingTool TextFixed(NinjaTrader.NinjaScript.NinjaScriptBase owner, string tag, string text,
            TextPosition textPosition) { return new DrawingTool(); }
    }
}
