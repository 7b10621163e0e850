// An NT8 account's money as NT8 itself computes it (realised and unrealised P&L at the current
// mark, net liquidation), written for the ATI bridge: NT8's outgoing folder carries orders,
// positions and connections but no P&L, and the prop-firm rules need open equity. One file per
// account, <folder>\<account>_Account.txt, "realised;unrealised;net liquidation;UTC epoch ms",
// written to a temp name and moved into place so the bridge never reads half a line.
#region Using declarations
using System;
using System.Globalization;
using System.IO;
using NinjaTrader.Cbi;
#endregion

namespace NinjaTrader.NinjaScript.FKS
{
    public sealed class FksAccountValues
    {
        public const string Suffix = "_Account.txt";

        public decimal Realized;
        public decimal Unrealized;
        public decimal NetLiquidation;
        public DateTime AtUtc;

        public decimal OpenPnl { get { return Realized + Unrealized; } }

        public static FksAccountValues Read(Account account, DateTime nowUtc)
        {
            return new FksAccountValues
            {
                // Rounded to the cent: the bridge books dollars, and doubles carry float noise.
                Realized = Cents(account.Get(AccountItem.RealizedProfitLoss, Currency.UsDollar)),
                Unrealized = Cents(account.Get(AccountItem.UnrealizedProfitLoss, Currency.UsDollar)),
                NetLiquidation = Cents(account.Get(AccountItem.NetLiquidation, Currency.UsDollar)),
                AtUtc = nowUtc,
            };
        }

        public string ToLine()
        {
            return string.Join(";",
                Realized.ToString(CultureInfo.InvariantCulture),
                Unrealized.ToString(CultureInfo.InvariantCulture),
                NetLiquidation.ToString(CultureInfo.InvariantCulture),
                FksSignalQuery.EpochMs(AtUtc).ToString(CultureInfo.InvariantCulture));
        }

        public void WriteFor(string folder, string accountName)
        {
            Directory.CreateDirectory(folder);
            string target = Path.Combine(folder, accountName + Suffix);
            string temp = Path.Combine(folder, "." + accountName + "." + Guid.NewGuid().ToString("N") + ".tmp");
            File.WriteAllText(temp, ToLine());
            if (File.Exists(target))
                File.Replace(temp, target, null);
            else
                File.Move(temp, target);
        }

        private static decimal Cents(double value)
        {
            return Math.Round((decimal)value, 2, MidpointRounding.AwayFromZero);
        }
    }
}
