export const metadata = { title: 'Bayar with Next.js', icons: { icon: 'data:,' } };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', maxWidth: '32rem', margin: '2rem auto', padding: '0 1rem' }}>{children}</body>
    </html>
  );
}
