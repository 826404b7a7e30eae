using Microsoft.Data.Sqlite;

namespace LlmLab.Agents.Tools;

/// <summary>
/// The SQL tool's sample database: a small shop (customers, products, orders) generated from a seed, so lab 8.2's
/// tasks have answers that are computed here, by brute force over <see cref="Customers"/>, <see cref="Products"/> and
/// <see cref="Orders"/>, independently of SQLite. Written to a temporary name and renamed. Immutable after creation.
/// </summary>
public sealed class SampleDatabase
{
    /// <summary>A customer row.</summary>
    public sealed record Customer(int Id, string Name, string City);

    /// <summary>A product row.</summary>
    public sealed record Product(int Id, string Name, string Category, double Price);

    /// <summary>An order row (date as yyyy-MM-dd).</summary>
    public sealed record Order(int Id, int CustomerId, int ProductId, int Quantity, string Date);

    static readonly string[] Names = ["Alice", "Bruno", "Chloé", "Dmitri", "Esther", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
        "Lucía"];
    static readonly string[] Cities = ["Paris", "Lyon", "Berlin", "Madrid", "Tokyo"];
    static readonly (string Name, string Category, double Price)[] Catalog =
    [
        ("notebook", "stationery", 3.5), ("pen", "stationery", 1.25), ("backpack", "bags", 42), ("laptop sleeve", "bags", 19.9),
        ("desk lamp", "home", 27.5), ("mug", "home", 8), ("headphones", "electronics", 59), ("usb cable", "electronics", 6.75),
    ];

    SampleDatabase(IReadOnlyList<Customer> c, IReadOnlyList<Product> p, IReadOnlyList<Order> o) => (Customers, Products, Orders) = (c, p,
        o);

    public IReadOnlyList<Customer> Customers { get; }
    public IReadOnlyList<Product> Products { get; }
    public IReadOnlyList<Order> Orders { get; }

    /// <summary>The rows for <paramref name="seed"/> (no file).</summary>
    public static SampleDatabase Generate(int seed = 8_2, int orders = 60)
    {
        var rng = new Random(seed);
        var customers = Names.Select((n, i) => new Customer(i + 1, n, Cities[rng.Next(Cities.Length)])).ToList();
        var products = Catalog.Select((p, i) => new Product(i + 1, p.Name, p.Category, p.Price)).ToList();
        var start = new DateOnly(2024, 1, 1);
        var rows = Enumerable.Range(1, orders).Select(i => new Order(i, rng.Next(1, customers.Count + 1), rng.Next(1, products.Count + 1),
            rng.Next(1, 6), start.AddDays(rng.Next(366)).ToString("yyyy-MM-dd"))).ToList();
        return new SampleDatabase(customers, products, rows);
    }

    /// <summary>Generates the rows and writes them to <paramref name="path"/> (replacing nothing: the file must not exist).</summary>
    /// <exception cref="InputException">The file already exists.</exception>
    public static SampleDatabase Create(string path, int seed = 8_2, int orders = 60)
    {
        if (File.Exists(path)) throw new InputException($"'{path}' already exists: the sample database is only written to a new file");
        var data = Generate(seed, orders);
        string tmp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = tmp, Pooling = false }.ToString()))
            {
                conn.Open();
                using var tx = conn.BeginTransaction();
                Exec(conn, tx, """
                    CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL);
                    CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, price REAL NOT NULL);
                    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
                        product_id INTEGER NOT NULL REFERENCES products(id), quantity INTEGER NOT NULL, ordered_on TEXT NOT NULL);
                    """);
                foreach (var c in data.Customers) Exec(conn, tx, "INSERT INTO customers VALUES ($a, $b, $c)", c.Id, c.Name, c.City);
                foreach (var p in data.Products) Exec(conn, tx, "INSERT INTO products VALUES ($a, $b, $c, $d)", p.Id, p.Name, p.Category,
                    p.Price);
                foreach (var o in data.Orders)
                    Exec(conn, tx, "INSERT INTO orders VALUES ($a, $b, $c, $d, $e)", o.Id, o.CustomerId, o.ProductId, o.Quantity, o.Date);
                tx.Commit();
            }
            File.Move(tmp, path);
            return data;
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>The schema as the SQL tool's description gives it to a model.</summary>
    public const string Schema = "customers(id, name, city), products(id, name, category, price), " +
        "orders(id, customer_id, product_id, quantity, ordered_on 'yyyy-MM-dd')";

    static void Exec(SqliteConnection conn, SqliteTransaction tx, string sql, params object[] values)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        for (int i = 0; i < values.Length; i++) cmd.Parameters.AddWithValue("$" + (char)('a' + i), values[i]);
        cmd.ExecuteNonQuery();
    }
}
