// A small JSON reader and writer for the FKS NinjaScript sources. NT8 compiles every file under
// Documents\NinjaTrader 8\bin\Custom into one assembly and a third-party JSON library would have to
// be installed beside it, so the scripts carry this instead. Numbers stay as their text: money is
// never read into a double on the way in, and the platform reads decimal strings on the way out.
#region Using declarations
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
#endregion

namespace NinjaTrader.NinjaScript.FKS
{
    public sealed class FksJsonNumber
    {
        public readonly string Text;
        public FksJsonNumber(string text) { Text = text; }
        public override string ToString() { return Text; }
    }

    public static class FksJson
    {
        /// <summary>An object's JSON with its fields in the given order; strings are escaped,
        /// ints and FksJsonNumber written bare, null as null.</summary>
        public static string Object(IList<KeyValuePair<string, object>> fields)
        {
            var builder = new StringBuilder("{");
            for (int i = 0; i < fields.Count; i++)
            {
                if (i > 0) builder.Append(',');
                AppendString(builder, fields[i].Key);
                builder.Append(':');
                AppendValue(builder, fields[i].Value);
            }
            return builder.Append('}').ToString();
        }

        public static KeyValuePair<string, object> Field(string name, object value)
        {
            return new KeyValuePair<string, object>(name, value);
        }

        /// <summary>Dictionary&lt;string, object&gt;, List&lt;object&gt;, string, FksJsonNumber, bool or null.</summary>
        public static object Parse(string text)
        {
            int at = 0;
            object value = ReadValue(text, ref at);
            SkipSpace(text, ref at);
            if (at != text.Length)
                throw new FormatException("JSON: unexpected text at " + at);
            return value;
        }

        public static string Text(IDictionary<string, object> obj, string name)
        {
            object value;
            if (obj == null || !obj.TryGetValue(name, out value) || value == null)
                return null;
            return value is string ? (string)value : value.ToString();
        }

        private static void AppendValue(StringBuilder builder, object value)
        {
            if (value == null) builder.Append("null");
            else if (value is string) AppendString(builder, (string)value);
            else if (value is bool) builder.Append((bool)value ? "true" : "false");
            else if (value is int || value is long || value is FksJsonNumber)
                builder.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
            else if (value is decimal)
                builder.Append('"').Append(((decimal)value).ToString(CultureInfo.InvariantCulture)).Append('"');
            else
                throw new ArgumentException("FksJson cannot write a " + value.GetType().Name);
        }

        private static void AppendString(StringBuilder builder, string text)
        {
            builder.Append('"');
            foreach (char c in text)
            {
                switch (c)
                {
                    case '"': builder.Append("\\\""); break;
                    case '\\': builder.Append("\\\\"); break;
                    case '\n': builder.Append("\\n"); break;
                    case '\r': builder.Append("\\r"); break;
                    case '\t': builder.Append("\\t"); break;
                    default:
                        if (c < ' ') builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else builder.Append(c);
                        break;
                }
            }
            builder.Append('"');
        }

        private static object ReadValue(string text, ref int at)
        {
            SkipSpace(text, ref at);
            if (at >= text.Length) throw new FormatException("JSON: unexpected end");
            char c = text[at];
            if (c == '{') return ReadObject(text, ref at);
            if (c == '[') return ReadArray(text, ref at);
            if (c == '"') return ReadString(text, ref at);
            if (Literal(text, ref at, "true")) return true;
            if (Literal(text, ref at, "false")) return false;
            if (Literal(text, ref at, "null")) return null;
            int start = at;
            while (at < text.Length && "+-0123456789.eE".IndexOf(text[at]) >= 0) at++;
            if (at == start) throw new FormatException("JSON: unexpected '" + c + "' at " + at);
            return new FksJsonNumber(text.Substring(start, at - start));
        }

        private static Dictionary<string, object> ReadObject(string text, ref int at)
        {
            var obj = new Dictionary<string, object>();
            at++;
            SkipSpace(text, ref at);
            if (at < text.Length && text[at] == '}') { at++; return obj; }
            while (true)
            {
                SkipSpace(text, ref at);
                string key = ReadString(text, ref at);
                SkipSpace(text, ref at);
                Expect(text, ref at, ':');
                obj[key] = ReadValue(text, ref at);
                SkipSpace(text, ref at);
                if (at < text.Length && text[at] == ',') { at++; continue; }
                Expect(text, ref at, '}');
                return obj;
            }
        }

        private static List<object> ReadArray(string text, ref int at)
        {
            var list = new List<object>();
            at++;
            SkipSpace(text, ref at);
            if (at < text.Length && text[at] == ']') { at++; return list; }
            while (true)
            {
                list.Add(ReadValue(text, ref at));
                SkipSpace(text, ref at);
                if (at < text.Length && text[at] == ',') { at++; continue; }
                Expect(text, ref at, ']');
                return list;
            }
        }

        private static string ReadString(string text, ref int at)
        {
            Expect(text, ref at, '"');
            var builder = new StringBuilder();
            while (at < text.Length && text[at] != '"')
            {
                char c = text[at++];
                if (c != '\\') { builder.Append(c); continue; }
                if (at >= text.Length) break;
                char escaped = text[at++];
                switch (escaped)
                {
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'u':
                        if (at + 4 > text.Length) throw new FormatException("JSON: short \\u escape");
                        builder.Append((char)int.Parse(text.Substring(at, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        at += 4;
                        break;
                    default: builder.Append(escaped); break;
                }
            }
            Expect(text, ref at, '"');
            return builder.ToString();
        }

        private static bool Literal(string text, ref int at, string word)
        {
            if (string.CompareOrdinal(text, at, word, 0, word.Length) != 0) return false;
            at += word.Length;
            return true;
        }

        private static void Expect(string text, ref int at, char c)
        {
            if (at >= text.Length || text[at] != c)
                throw new FormatException("JSON: expected '" + c + "' at " + at);
            at++;
        }

        private static void SkipSpace(string text, ref int at)
        {
            while (at < text.Length && char.IsWhiteSpace(text[at])) at++;
        }
    }
}
